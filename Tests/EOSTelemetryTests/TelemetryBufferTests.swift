import EOSModel
import Foundation
import Synchronization
import Testing

@testable import EOSTelemetry

@Suite("TelemetryBuffer: the agent's queue to its parent")
struct TelemetryBufferTests {
    static func points(_ count: Int, from start: Int = 0) -> [MetricPoint] {
        (start..<start + count).map { index in
            MetricPoint(
                name: "eos_test", value: Double(index),
                timestamp: Timestamp(Date(timeIntervalSince1970: 1_800_000_000 + Double(index))))
        }
    }

    @Test("collections become numbered batches that stay queued until acknowledged, in order")
    func ordersAndAcknowledges() {
        let buffer = TelemetryBuffer(sourceID: "n1", capacity: 100, maximumBatchSize: 4)
        buffer.append(Self.points(3))
        buffer.append(Self.points(6, from: 3))
        let pending = buffer.pending()
        #expect(pending.map(\.sequence) == [1, 2, 3])
        #expect(pending.map(\.points.count) == [3, 4, 2])
        #expect(pending.flatMap(\.points).map(\.value) == (0..<9).map(Double.init))
        #expect(pending.allSatisfy { $0.sourceID == "n1" && $0.droppedCount == 0 })

        buffer.acknowledge(through: 2)
        #expect(buffer.pending().map(\.sequence) == [3])
        #expect(buffer.statistics.queuedSamples == 2)
        #expect(buffer.statistics.acknowledgedBatches == 2)
        buffer.append(Self.points(1, from: 9))
        #expect(buffer.pending().map(\.sequence) == [3, 4])
    }

    @Test("overflow drops the oldest batches, counts them, and reports them once with the oldest batch left")
    func overflowIsCountedAndReported() {
        let buffer = TelemetryBuffer(sourceID: "n1", capacity: 10, maximumBatchSize: 5)
        for round in 0..<4 { buffer.append(Self.points(5, from: round * 5)) }
        // Room for two batches of five: the first two went.
        let pending = buffer.pending()
        #expect(pending.map(\.sequence) == [3, 4])
        #expect(pending.map(\.droppedCount) == [10, 0])
        #expect(pending.flatMap(\.points).map(\.value) == (10..<20).map(Double.init))
        #expect(buffer.statistics.droppedSamples == 10)

        // Dropping the batch that carried the count moves the count to the next one: nothing is lost or doubled.
        buffer.append(Self.points(5, from: 20))
        #expect(buffer.pending().map(\.droppedCount) == [15, 0])
        buffer.acknowledge(through: 4)
        buffer.append(Self.points(1, from: 25))
        #expect(buffer.pending().map(\.droppedCount) == [0, 0])
    }

    @Test("a collection larger than the queue keeps its newest samples; a child's drops ride along")
    func oversizedCollection() {
        let buffer = TelemetryBuffer(sourceID: "site-a", capacity: 4, maximumBatchSize: 4)
        buffer.append(Self.points(6), droppedBefore: 3)
        let pending = buffer.pending()
        #expect(pending.count == 1)
        #expect(pending[0].points.map(\.value) == [2, 3, 4, 5])
        #expect(pending[0].droppedCount == 5)
        // A count alone rides with the newest batch not yet sent.
        buffer.append([], droppedBefore: 2)
        #expect(buffer.pending().map(\.droppedCount) == [7])
    }

    @Test("batches on their way up are neither dropped nor recounted: each sample is delivered or lost, once")
    func inFlightBatchesAreKept() async throws {
        let buffer = TelemetryBuffer(sourceID: "n1", capacity: 10, maximumBatchSize: 5)
        buffer.append(Self.points(5))
        buffer.append(Self.points(5, from: 5))
        let (sending, sent) = AsyncStream<[TelemetryBatch]>.makeStream()
        let (answers, answer) = AsyncStream<UInt64>.makeStream()
        let drain = Task {
            var answers = answers.makeAsyncIterator()
            try await buffer.drain(clock: ContinuousClock()) { batches in
                sent.yield(batches)
                return await answers.next() ?? 0
            }
        }
        var sentGroups = sending.makeAsyncIterator()
        #expect(await sentGroups.next()?.map(\.sequence) == [1, 2])
        // Both queued batches are on their way: a new collection cannot push them out, so it loses its own samples.
        buffer.append(Self.points(5, from: 10))
        #expect(buffer.statistics.droppedSamples == 5)
        answer.yield(2)
        #expect(await sentGroups.next().map { $0.map(\.sequence) } == [3])
        drain.cancel()
        answer.finish()
        _ = await drain.result
        let next = buffer.pending()
        #expect(next.map(\.sequence) == [3])
        #expect(next[0].points.isEmpty)
        #expect(next[0].droppedCount == 5)
    }

    @Test("drain sends the queue in order, resends what was not acknowledged, and waits for more")
    func drainResendsAfterFailure() async throws {
        let buffer = TelemetryBuffer(sourceID: "n1", capacity: 100, maximumBatchSize: 2)
        buffer.append(Self.points(6))
        struct LinkDown: Error {}
        let sent = SentBatches()
        await #expect(throws: LinkDown.self) {
            try await buffer.drain(clock: ContinuousClock()) { batches in
                sent.record(batches)
                throw LinkDown()
            }
        }
        #expect(buffer.pending().map(\.sequence) == [1, 2, 3])
        let task = Task {
            try await buffer.drain(clock: ContinuousClock()) { batches in
                sent.record(batches)
                return batches.last!.sequence
            }
        }
        try await waitUntil { buffer.statistics.queuedBatches == 0 }
        buffer.append(Self.points(1, from: 6))
        try await waitUntil { buffer.statistics.acknowledgedBatches == 4 }
        task.cancel()
        _ = await task.result
        #expect(sent.sequences == [[1, 2, 3], [1, 2, 3], [4]])
    }
}

final class SentBatches: Sendable {
    private let state = Mutex([[UInt64]]())
    func record(_ batches: [TelemetryBatch]) { state.withLock { $0.append(batches.map(\.sequence)) } }
    var sequences: [[UInt64]] { state.withLock { $0 } }
}

func waitUntil(_ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(30)
    while !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("the condition did not hold within 30 seconds")
            return
        }
        try await Task.sleep(for: .milliseconds(10))
    }
}
