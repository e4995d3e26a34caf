import EOSModel

/// `count` status reports numbered from 1, each carrying `statusesPerReport` copies of `status`: what a site's
/// outbox hands the stream, without the outbox, so the benchmark measures the stream.
struct StatusReports: AsyncSequence, Sendable {
    typealias Element = StatusReport

    struct AsyncIterator: AsyncIteratorProtocol {
        let statuses: [NodeDeploymentStatus]
        let count: Int
        var sent = 0

        mutating func next() async -> StatusReport? {
            guard sent < count else { return nil }
            sent += 1
            return StatusReport(sequence: UInt64(sent), statuses: statuses)
        }
    }

    let status: NodeDeploymentStatus
    let statusesPerReport: Int
    let count: Int

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(statuses: Array(repeating: status, count: statusesPerReport), count: count)
    }
}
