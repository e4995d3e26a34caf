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

    @Test("the reader stops at capacity until the taker takes, so a fast child cannot fill the parent's memory")
    func capacity() async throws {
        let readahead = ReportReadahead(capacity: 3)
        let source = Self.reports(1...10)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await readahead.read(source.throwingStream) }
            try await Task.sleep(for: .milliseconds(50))
            var taken: [UInt64] = []
            while let batch = try await readahead.takeAll() {
                #expect(batch.count <= 3, "no more than the capacity read ahead: \(batch.count)")
                taken += batch.map(\.sequence)
            }
            #expect(taken == Array(1...10))
            try await group.waitForAll()
        }
    }

    @Test("the bound counts statuses, not reports: a site's report of 50 weighs 50 of a node's")
    func capacityInStatuses() async throws {
        let readahead = ReportReadahead(capacity: 10)
        let source = Self.reports(1...12, statuses: 4)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await readahead.read(source.throwingStream) }
            try await Task.sleep(for: .milliseconds(50))
            var taken: [UInt64] = []
            while let batch = try await readahead.takeAll() {
                // A third report of four would pass 10 statuses: the readahead's own budget of 10 holds it back.
                #expect(batch.count <= 2, "no more than 10 statuses read ahead: \(batch.count) reports of 4")
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
