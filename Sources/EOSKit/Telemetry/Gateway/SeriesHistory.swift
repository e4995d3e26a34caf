internal import EOSModel

/// The samples the gateway keeps of one series: at most a fixed number, in time order, one per moment.
///
/// Samples usually arrive in order; ones that arrive late (a site's backlog after an outage) are put in their place,
/// and one for a moment already held replaces it, so a batch sent twice leaves no trace.
///
/// They are kept packed in ``SampleChunk``s of ``chunkLength``, at most about 7 bytes a sample for an agent's host
/// figures instead of 16, since a central keeps an hour of a dozen series for each of thousands of nodes. The oldest
/// chunk is let go once all its samples are older than the history's `capacity`; until then the ones already out of the
/// history are skipped. A late sample is rare, and repacks the history around it.
struct SeriesHistory {
    /// Samples in a chunk: what the history may hold beyond its capacity until the oldest chunk goes.
    static let chunkLength = 60

    var kind: MetricPoint.Kind
    var unit: String?
    let capacity: Int
    private var chunks: [SampleChunk] = []
    /// Samples at the start of the first chunk that are no longer part of the history.
    private var skipped = 0
    /// How many samples the history holds.
    private(set) var count = 0
    /// The latest sample.
    private(set) var latest: MetricSeries.Sample?

    init(kind: MetricPoint.Kind, unit: String?, capacity: Int) {
        self.kind = kind
        self.unit = unit
        self.capacity = max(1, capacity)
    }

    /// Every sample held, oldest first.
    var samples: [MetricSeries.Sample] {
        var samples: [MetricSeries.Sample] = []
        samples.reserveCapacity(count + skipped)
        for chunk in chunks { samples += chunk.samples() }
        samples.removeFirst(skipped)
        return samples
    }

    mutating func insert(_ sample: MetricSeries.Sample) {
        if let latest, sample.timestamp <= latest.timestamp {
            insertLate(sample)
        } else {
            append(sample)
        }
    }

    /// The samples from `since` on (all when `nil`).
    func samples(since: Timestamp?) -> [MetricSeries.Sample] {
        let samples = self.samples
        guard let since else { return samples }
        return Array(samples[samples.partitioningIndex { $0.timestamp >= since }...])
    }

    /// Adds a sample later than every one held, and lets the oldest go beyond the capacity.
    private mutating func append(_ sample: MetricSeries.Sample) {
        if chunks.isEmpty || chunks[chunks.count - 1].count == Self.chunkLength {
            if !chunks.isEmpty { chunks[chunks.count - 1].seal() }
            chunks.append(SampleChunk())
        }
        chunks[chunks.count - 1].append(sample)
        count += 1
        latest = sample
        while count > capacity {
            count -= 1
            skipped += 1
            if skipped == chunks[0].count {
                chunks.removeFirst()
                skipped = 0
            }
        }
    }

    /// Puts a sample that is not the latest in its place, or in the place of the one for the same moment.
    private mutating func insertLate(_ sample: MetricSeries.Sample) {
        var samples = self.samples
        let index = samples.partitioningIndex { $0.timestamp >= sample.timestamp }
        if index < samples.count, samples[index].timestamp == sample.timestamp {
            samples[index] = sample
        } else {
            // Older than everything kept, with the history full: it would be dropped at once.
            if index == 0, samples.count >= capacity { return }
            samples.insert(sample, at: index)
        }
        chunks = []
        skipped = 0
        count = 0
        latest = nil
        for sample in samples { append(sample) }
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
