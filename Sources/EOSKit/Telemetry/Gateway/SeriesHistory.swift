internal import EOSModel

/// The samples the gateway keeps of one series: at most a fixed number, in time order, one per moment.
///
/// Samples usually arrive in order; ones that arrive late (a site's backlog after an outage) are put in their place,
/// and one for a moment already held replaces it, so a batch sent twice leaves no trace.
struct SeriesHistory {
    var kind: MetricPoint.Kind
    var unit: String?
    private(set) var samples: [MetricSeries.Sample] = []
    let capacity: Int

    init(kind: MetricPoint.Kind, unit: String?, capacity: Int) {
        self.kind = kind
        self.unit = unit
        self.capacity = max(1, capacity)
    }

    mutating func insert(_ sample: MetricSeries.Sample) {
        if let last = samples.last, last.timestamp < sample.timestamp {
            samples.append(sample)
        } else {
            let index = samples.partitioningIndex { $0.timestamp >= sample.timestamp }
            if index < samples.count, samples[index].timestamp == sample.timestamp {
                samples[index] = sample
                return
            }
            // Older than everything kept, with the history full: it would be dropped at once.
            if index == 0, samples.count >= capacity { return }
            samples.insert(sample, at: index)
        }
        if samples.count > capacity { samples.removeFirst(samples.count - capacity) }
    }

    /// The samples from `since` on (all when `nil`).
    func samples(since: Timestamp?) -> [MetricSeries.Sample] {
        guard let since else { return samples }
        return Array(samples[samples.partitioningIndex { $0.timestamp >= since }...])
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
