public import EOSModel
internal import Synchronization

/// An agent's queue of telemetry for its parent: collections become numbered ``TelemetryBatch``es that wait here
/// until the parent acknowledges them, so nothing is lost while the link is down, and they go up in the order they
/// were taken when it returns.
///
/// The queue holds at most ``capacity`` samples. When a collection would overflow it, the oldest batches go first
/// (recent readings matter most to an operator coming back to a site); the samples they held are counted, and the
/// count rides up with the oldest batch still queued (``TelemetryBatch/droppedCount``), so the central reports the
/// gap instead of hiding it. A batch is never changed once made, so one that is on its way up is acknowledged
/// exactly as sent.
public final class TelemetryBuffer: TelemetrySink {
    /// The most samples the queue holds.
    public let capacity: Int
    /// The most samples in one batch.
    public let maximumBatchSize: Int
    /// The id batches name as their source: the node's or the site's.
    public let sourceID: String
    private let state = Mutex(State())
    private let arrivals = ReconcileSignal()

    private struct State {
        var batches: [TelemetryBatch] = []
        var first = 0
        var held = 0
        var nextSequence: UInt64 = 1
        var unreportedDrops: UInt64 = 0
        var dropped: UInt64 = 0
        var acknowledged: UInt64 = 0

        var queued: ArraySlice<TelemetryBatch> { batches[first...] }

        mutating func dropOldest() {
            let batch = batches[first]
            first += 1
            held -= batch.points.count
            let lost = UInt64(batch.points.count) + batch.droppedCount
            dropped += UInt64(batch.points.count)
            if first < batches.count {
                batches[first].droppedCount += lost
            } else {
                unreportedDrops += lost
            }
            compact()
        }

        mutating func compact() {
            if first > 64 && first * 2 > batches.count {
                batches.removeFirst(first)
                first = 0
            }
        }
    }

    /// What the queue holds and has lost.
    public struct Statistics: Sendable, Hashable {
        /// Samples waiting to go up.
        public var queuedSamples: Int
        /// Batches waiting to go up.
        public var queuedBatches: Int
        /// Samples dropped because the queue was full, since it was made.
        public var droppedSamples: UInt64
        /// Batches the parent acknowledged.
        public var acknowledgedBatches: UInt64
    }

    /// A queue for `sourceID` holding at most `capacity` samples (at least one batch's worth), in batches of at most
    /// `maximumBatchSize` samples.
    public init(sourceID: String, capacity: Int = 20_000, maximumBatchSize: Int = 2_000) {
        self.sourceID = sourceID
        self.maximumBatchSize = max(1, maximumBatchSize)
        self.capacity = max(capacity, self.maximumBatchSize)
    }

    /// Queues one collection.
    public func receive(_ points: [MetricPoint]) async { append(points) }

    /// Queues `points` as one or more batches; `droppedBefore` adds samples lost before they reached this queue (a
    /// child's own drops, which an LO passes on).
    public func append(_ points: [MetricPoint], droppedBefore: UInt64 = 0) {
        guard !points.isEmpty || droppedBefore > 0 else { return }
        var points = ArraySlice(points)
        state.withLock { state in
            var carried = droppedBefore
            if points.count > capacity {
                let lost = points.count - capacity
                points = points.dropFirst(lost)
                state.dropped += UInt64(lost)
                carried += UInt64(lost)
            }
            while state.held + points.count > capacity, !state.queued.isEmpty { state.dropOldest() }
            carried += state.unreportedDrops
            state.unreportedDrops = 0
            repeat {
                let chunk = points.prefix(maximumBatchSize)
                points = points.dropFirst(chunk.count)
                state.batches.append(
                    TelemetryBatch(
                        sourceID: sourceID, sequence: state.nextSequence, droppedCount: carried, points: Array(chunk)))
                state.nextSequence += 1
                state.held += chunk.count
                carried = 0
            } while !points.isEmpty
        }
        arrivals.signal()
    }

    /// The oldest queued batches, at most `limit`, to send up; they stay queued until acknowledged.
    public func pending(limit: Int = 64) -> [TelemetryBatch] {
        state.withLock { Array($0.queued.prefix(max(1, limit))) }
    }

    /// Forgets every queued batch up to and including `sequence`: the parent has them.
    public func acknowledge(through sequence: UInt64) {
        state.withLock { state in
            while let oldest = state.queued.first, oldest.sequence <= sequence {
                state.first += 1
                state.held -= oldest.points.count
                state.acknowledged += 1
            }
            state.compact()
        }
    }

    /// What the queue holds and has lost now.
    public var statistics: Statistics {
        state.withLock {
            Statistics(
                queuedSamples: $0.held, queuedBatches: $0.queued.count, droppedSamples: $0.dropped,
                acknowledgedBatches: $0.acknowledged)
        }
    }

    /// Sends the queue up for as long as `send` succeeds: the oldest batches first, a group at a time, each group
    /// acknowledged through the sequence `send` answers; waits for new batches when the queue is empty. Ends by
    /// throwing what `send` throws (the link is down: the caller reconnects and calls this again) or at
    /// cancellation.
    public func drain(
        clock: any Clock<Duration>, send: ([TelemetryBatch]) async throws -> UInt64
    ) async throws {
        while true {
            try Task.checkCancellation()
            let batches = pending()
            guard let last = batches.last else {
                await arrivals.wait(upTo: .seconds(5), clock: clock)
                continue
            }
            let acknowledged = try await send(batches)
            acknowledge(through: acknowledged)
            if acknowledged < last.sequence {
                // The parent took part of the group; wait a moment before sending the rest.
                try await clock.sleep(for: .milliseconds(200))
            }
        }
    }
}
