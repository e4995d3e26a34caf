/// When ``CodePageRelease`` gives back its process's code pages, decided from the resident file-backed bytes it
/// samples: after the resident code has grown by ``CodePageRelease/Configuration/growth`` past the level the last
/// release settled at, and has then held still.
///
/// After a release the process maps again what it still runs (its idle loop: heartbeats, timers, telemetry). The
/// level it settles at, once it has held still for ``CodePageRelease/Configuration/settleSamples`` samples, becomes the
/// new reference, so that this refault never counts as growth and releases do not repeat while the process idles.
struct CodePageReleaseStateMachine {
    /// What the sampling loop does next.
    enum Action: Equatable {
        case keepSampling
        case release
    }

    private enum State {
        /// Resident code at or near `level`; nothing to give back.
        case watching(level: Int)
        /// Grown past `level` by the configured growth; released once it holds still.
        case growing
        /// Just released; the process is mapping back what it still runs.
        case settling
    }

    private let configuration: CodePageRelease.Configuration
    private var state = State.watching(level: 0)
    /// The last samples, newest last, as many as the longer of the two quiet windows.
    private var recent: [Int] = []

    init(configuration: CodePageRelease.Configuration) {
        self.configuration = configuration
    }

    /// Takes a sample of the resident file-backed bytes and says whether to release now.
    mutating func sampled(_ residentBytes: Int) -> Action {
        recent.append(residentBytes)
        if recent.count > max(configuration.quietSamples, configuration.settleSamples) { recent.removeFirst() }
        switch state {
        case .watching(let level):
            guard residentBytes - level >= configuration.growth else { return .keepSampling }
            state = .growing
            return isQuiet(for: configuration.quietSamples) ? .release : .keepSampling
        case .growing:
            return isQuiet(for: configuration.quietSamples) ? .release : .keepSampling
        case .settling:
            if isQuiet(for: configuration.settleSamples) { state = .watching(level: residentBytes) }
            return .keepSampling
        }
    }

    /// Records that the pages were released: what the process maps from here on is its idle set until it settles.
    mutating func released() {
        state = .settling
        recent.removeAll()
    }

    /// Whether the last `count` samples lie within `stillness` of each other.
    private func isQuiet(for count: Int) -> Bool {
        let window = recent.suffix(count)
        guard window.count == count, let low = window.min(), let high = window.max() else { return false }
        return high - low <= configuration.stillness
    }
}
