public import EOSModel
internal import Synchronization

/// An agent's queue of telemetry for its parent: collections become numbered ``TelemetryBatch``es that wait here
/// until the parent acknowledges them, so nothing is lost while the link is down, and they go up in the order they
/// were taken when it returns.
///
/// The queue holds at most ``capacity`` samples. When a collection would overflow it, the oldest batches go first
/// (recent readings matter most to an operator coming back to a site); the samples they held are counted, and the
/// count rides up with the next batch still queued (``TelemetryBatch/droppedCount``), so the central reports the
/// gap instead of hiding it, once. Batches on their way up are neither dropped nor changed until the parent answers:
/// they may arrive, and must be counted either as delivered or as lost, never as both.
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
        /// The batches up to this sequence are on their way up: they may arrive, so they are neither dropped nor
        /// changed until acknowledged, or until the send fails.
        var inFlightThrough: UInt64 = 0

        var queued: ArraySlice<TelemetryBatch> { batches[first...] }

        /// Drops the oldest batch that is not on its way up and carries its count to the next such batch; `false`
        /// when every queued batch is on its way.
        mutating func dropOldest() -> Bool {
            guard let index = batches[first...].firstIndex(where: { $0.sequence > inFlightThrough }) else {
                return false
            }
            let batch = batches.remove(at: index)
            held -= batch.points.count
            dropped += UInt64(batch.points.count)
            let lost = UInt64(batch.points.count) + batch.droppedCount
            if index < batches.count {
                batches[index].droppedCount += lost
            } else {
                unreportedDrops += lost
            }
            return true
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

    /// A queue for `sourceID` holding at most `capacity` samples (at least one), in batches of at most
    /// `maximumBatchSize` samples (and never more than the queue holds).
    public init(sourceID: String, capacity: Int = 20_000, maximumBatchSize: Int = 2_000) {
        self.sourceID = sourceID
        self.capacity = max(1, capacity)
        self.maximumBatchSize = max(1, min(maximumBatchSize, self.capacity))
    }

    /// Queues one collection.
    public func receive(_ points: [MetricPoint]) async { append(points) }

    /// Queues `points` as one or more batches; `droppedBefore` adds samples lost before they reached this queue (a
    /// child's own drops, which an LO passes on).
    public func append(_ points: [MetricPoint], droppedBefore: UInt64 = 0) {
        guard !points.isEmpty || droppedBefore > 0 else { return }
        var points = ArraySlice(points)
        state.withLock { state in
            while state.held + points.count > capacity, state.dropOldest() {}
            var carried = droppedBefore + state.unreportedDrops
            state.unreportedDrops = 0
            // What still does not fit (the collection is larger than the queue, or the queue is all on its way up)
            // loses its oldest samples.
            let room = max(0, capacity - state.held)
            if points.count > room {
                let lost = points.count - room
                points = points.dropFirst(lost)
                state.dropped += UInt64(lost)
                carried += UInt64(lost)
            }
            guard !points.isEmpty || carried > 0 else { return }
            if points.isEmpty, let last = state.queued.last, last.sequence > state.inFlightThrough {
                // Only a count to pass on: it rides with the newest batch not yet on its way.
                state.batches[state.batches.count - 1].droppedCount += carried
                return
            }
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

    /// Forgets every queued batch up to and including `sequence`: the parent has them. Batches sent but not
    /// acknowledged may be dropped again if the queue fills.
    public func acknowledge(through sequence: UInt64) {
        state.withLock { state in
            state.inFlightThrough = 0
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
            let batches = state.withLock { state in
                let batches = Array(state.queued.prefix(64))
                state.inFlightThrough = batches.last?.sequence ?? 0
                return batches
            }
            guard let last = batches.last else {
                // Every append signals: an idle queue polls nothing.
                await arrivals.wait()
                continue
            }
            let acknowledged: UInt64
            do {
                acknowledged = try await send(batches)
            } catch {
                state.withLock { $0.inFlightThrough = 0 }
                throw error
            }
            acknowledge(through: acknowledged)
            if acknowledged < last.sequence {
                // The parent took part of the group; wait a moment before sending the rest.
                try await clock.sleep(for: .milliseconds(200))
            }
        }
    }
}
