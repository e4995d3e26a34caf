import EOSModel
import Testing

@testable import EOSSite

@Suite("ReportReadahead")
struct ReportReadaheadTests {
    /// Reports with these sequences, of `statuses` statuses each.
    static func reports(_ sequences: ClosedRange<UInt64>, statuses: Int = 0) -> [StatusReport] {
        sequences.map { sequence in
            StatusReport(
                sequence: sequence,
                statuses: (0..<statuses).map { index in
                    NodeDeploymentStatus(
                        deployment: "d", observedGeneration: 1, nodeID: "n\(index)", state: .installed,
                        observedAt: .now, reportedBy: "n\(index)")
                })
        }
    }

    struct Failure: Error, Equatable {}

    @Test("reports that arrive while the taker is busy come out together, in order, each once")
    func batches() async throws {
        let readahead = ReportReadahead(capacity: 8)
        let (stream, input) = AsyncThrowingStream.makeStream(of: StatusReport.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await readahead.read(stream) }
            input.yield(StatusReport(sequence: 1, statuses: []))
            let first = try #require(try await readahead.takeAll())
            #expect(first.map(\.sequence) == [1])
            // The taker is busy; three arrive meanwhile and are taken in one go.
            for report in Self.reports(2...4) { input.yield(report) }
            try await Task.sleep(for: .milliseconds(50))
            let second = try #require(try await readahead.takeAll())
            #expect(second.map(\.sequence) == [2, 3, 4])
            input.finish()
            #expect(try await readahead.takeAll() == nil)
            try await group.waitForAll()
        }
    }

    /// A readahead's bound in statuses, the statuses in each of 12 reports (none counts as one), and the most
    /// reports a batch can then hold.
    static let bounds: [(capacity: Int, statuses: Int, batch: Int)] = [
        (capacity: 3, statuses: 0, batch: 3),
        // A site's report of 50 weighs 50 of a node's: a third report of four would pass 10 statuses.
        (capacity: 10, statuses: 4, batch: 2),
    ]

    @Test(
        "the reader stops at its bound in statuses until the taker takes: a child cannot fill the parent's memory",
        arguments: bounds)
    func capacity(bound: (capacity: Int, statuses: Int, batch: Int)) async throws {
        let readahead = ReportReadahead(capacity: bound.capacity)
        let source = Self.reports(1...12, statuses: bound.statuses)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await readahead.read(source.throwingStream) }
            try await Task.sleep(for: .milliseconds(50))
            var taken: [UInt64] = []
            while let batch = try await readahead.takeAll() {
                #expect(batch.count <= bound.batch, "no more than the bound read ahead: \(batch.count) reports")
                taken += batch.map(\.sequence)
            }
            #expect(taken == Array(1...12))
            try await group.waitForAll()
        }
    }

    @Test("a stream that fails hands over the reports before the failure, then the failure")
    func failure() async throws {
        let readahead = ReportReadahead()
        let (stream, input) = AsyncThrowingStream.makeStream(of: StatusReport.self)
        for report in Self.reports(1...2) { input.yield(report) }
        input.finish(throwing: Failure())
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await readahead.read(stream) }
            try await Task.sleep(for: .milliseconds(50))
            let batch = try #require(try await readahead.takeAll())
            #expect(batch.map(\.sequence) == [1, 2])
            await #expect(throws: Failure.self) { try await readahead.takeAll() }
            try await group.waitForAll()
        }
    }

    @Test("a taker that stops early ends the reading when the group is left, even with the stream still open")
    func takerStops() async throws {
        let readahead = ReportReadahead(capacity: 2)
        let (stream, input) = AsyncThrowingStream.makeStream(of: StatusReport.self)
        for report in Self.reports(1...5) { input.yield(report) }
        await #expect(throws: Failure.self) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await readahead.read(stream) }
                _ = try await readahead.takeAll()
                throw Failure()
            }
        }
        input.finish()
    }
}
