internal import EOSModel

/// The samples the gateway keeps of one series: the latest ones up to a capacity the gateway gives with each sample,
/// in time order, one per moment.
///
/// Samples usually arrive in order; ones that arrive late (a site's backlog after an outage) are put in their place,
/// and one for a moment already held replaces it, so a batch sent twice leaves no trace.
///
/// They are kept packed (``SampleBlock``), about 5 bytes a sample for an agent's host figures instead of 16, in one
/// array of bytes per series: a central keeps a dozen series for each of thousands of nodes, and one allocation per
/// series is what such a count affords. The array holds blocks one after another, each a header (its sample count,
/// one byte; its length in bytes, two) and its packed samples. The oldest block goes once all its samples are beyond
/// the capacity; until then the ones out of the history are skipped. A block holds a quarter of the capacity (4 to
/// ``longestBlock`` samples), so the history holds at most a quarter more than its capacity, or 3 samples more. A
/// late sample is rare, and repacks the history around it.
struct SeriesHistory {
    /// Samples in a block at most.
    static let longestBlock = 60
    /// The bytes of a block's header.
    private static let headerLength = 3

    private var bytes: [UInt8] = []
    /// The block being written: the last.
    private var block = SampleBlock()
    /// Where the last block's header is in `bytes`.
    private var open: UInt32 = 0
    /// How many samples the history holds.
    private var held: UInt32 = 0
    /// Samples at the start of the first block that are no longer part of the history.
    private var skipped: UInt8 = 0
    /// Samples the last block takes before a new one starts.
    private var blockLength: UInt8 = 0

    /// An empty history. Its series' kind and unit are kept once per series shape (``SeriesShape``), not here: a
    /// central holds 130,000 histories at 10,000 nodes, 48 bytes each.
    init() {}

    /// How many samples the history holds.
    var count: Int { Int(held) }

    /// The latest sample.
    var latest: MetricSeries.Sample? { held > 0 ? block.latest : nil }

    /// The bytes the history has taken from the allocator for its samples.
    var allocatedBytes: Int { bytes.capacity }

    /// Every sample held, oldest first.
    var samples: [MetricSeries.Sample] {
        var samples: [MetricSeries.Sample] = []
        samples.reserveCapacity(count + Int(skipped))
        var offset = 0
        while offset < bytes.count {
            SampleBlock.read(Int(bytes[offset]), from: bytes, at: offset + Self.headerLength, into: &samples)
            offset += length(at: offset)
        }
        samples.removeFirst(Int(skipped))
        return samples
    }

    /// Files `sample` (its time to the millisecond, ``SampleBlock/quantized(_:)``), then lets the oldest samples go
    /// beyond `capacity` (at least 1); returns how much ``allocatedBytes`` grew by (less than zero when it shrank).
    @discardableResult
    mutating func insert(_ sample: MetricSeries.Sample, keeping capacity: Int) -> Int {
        let before = allocatedBytes
        let capacity = max(1, capacity)
        let sample = SampleBlock.quantized(sample)
        if let latest, sample.timestamp <= latest.timestamp {
            insertLate(sample, keeping: capacity)
        } else {
            append(sample, keeping: capacity)
        }
        return allocatedBytes - before
    }

    /// The samples from `since` on (all when `nil`).
    func samples(since: Timestamp?) -> [MetricSeries.Sample] {
        let samples = self.samples
        guard let since else { return samples }
        return Array(samples[samples.partitioningIndex { $0.timestamp >= since }...])
    }

    /// How many samples a block takes when the history keeps `capacity`.
    static func blockLength(for capacity: Int) -> Int { min(longestBlock, max(4, capacity / 4)) }

    /// Adds a sample later than every one held, and lets the oldest go beyond the capacity.
    private mutating func append(_ sample: MetricSeries.Sample, keeping capacity: Int) {
        if bytes.isEmpty || block.count == blockLength {
            open = UInt32(bytes.count)
            block = SampleBlock()
            blockLength = UInt8(Self.blockLength(for: capacity))
            reserve(Self.headerLength + SampleBlock.maximumSampleBytes)
            bytes.append(contentsOf: repeatElement(0, count: Self.headerLength))
        } else {
            reserve(SampleBlock.maximumSampleBytes)
        }
        block.append(sample, to: &bytes)
        let start = Int(open)
        let packed = bytes.count - start - Self.headerLength
        bytes[start] = block.count
        bytes[start + 1] = UInt8(truncatingIfNeeded: packed)
        bytes[start + 2] = UInt8(truncatingIfNeeded: packed >> 8)
        held += 1
        while held > capacity {
            held -= 1
            skipped += 1
            if skipped == bytes[0] {
                let first = length(at: 0)
                bytes.removeSubrange(0..<first)
                open -= UInt32(first)
                skipped = 0
                if bytes.capacity > 2 * bytes.count + 64 { shrink() }
            }
        }
    }

    /// Gives back the room of a history whose capacity fell (the fleet's series grew in number). (`Array(bytes)`
    /// would not: it is the same storage.)
    private mutating func shrink() {
        let packed = bytes
        let room = packed.count + max(32, packed.count / 8)
        bytes = [UInt8](unsafeUninitializedCapacity: room) { storage, initialized in
            initialized = storage.initialize(fromContentsOf: packed)
        }
    }

    /// Makes room for `count` more bytes, growing by an eighth or at least 32 bytes rather than doubling, so the
    /// room a history keeps unused stays small.
    private mutating func reserve(_ count: Int) {
        guard bytes.capacity - bytes.count < count else { return }
        bytes.reserveCapacity(bytes.count + max(count, 32, bytes.count / 8))
    }

    /// The length of the block whose header is at `offset`, header included.
    private func length(at offset: Int) -> Int {
        Self.headerLength + (Int(bytes[offset + 1]) | Int(bytes[offset + 2]) << 8)
    }

    /// Puts a sample that is not the latest in its place, or in the place of the one for the same moment.
    private mutating func insertLate(_ sample: MetricSeries.Sample, keeping capacity: Int) {
        var samples = self.samples
        let index = samples.partitioningIndex { $0.timestamp >= sample.timestamp }
        if index < samples.count, samples[index].timestamp == sample.timestamp {
            samples[index] = sample
        } else {
            // Older than everything kept, with the history full: it would be dropped at once.
            if index == 0, samples.count >= capacity { return }
            samples.insert(sample, at: index)
        }
        bytes = []
        block = SampleBlock()
        held = 0
        skipped = 0
        for sample in samples { append(sample, keeping: capacity) }
    }
}

extension Array {
    /// The first index whose element satisfies `belongs`, for an array where every element that does comes after
    /// every element that does not.
    func partitioningIndex(where belongs: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if belongs(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
