/// When ``MemoryRelease`` gives back one kind of its process's resident memory (code pages, or freed heap), decided
/// from the resident bytes of that kind it samples: after they have grown by ``MemoryRelease/Configuration/growth``
/// past the level the last release settled at, and have then held still.
///
/// After a release the process maps again what it still uses (its idle loop: heartbeats, timers, telemetry). The
/// level it settles at, once it has held still for ``MemoryRelease/Configuration/settleSamples`` samples, becomes the
/// new reference, so that this refault never counts as growth and releases do not repeat while the process idles.
///
/// A burst can start before the process has settled: a site releases its start-up's code, and its nodes attach a
/// second later. Growth past the lowest sample since the release counts as a burst then too, but each release that
/// follows another before the process settled doubles the growth it takes, so that an idle set larger than
/// ``MemoryRelease/Configuration/growth`` is released a few times at most, never over and over.
struct MemoryReleaseStateMachine {
    /// What the sampling loop does next.
    enum Action: Equatable {
        case keepSampling
        case release
    }

    private enum State {
        /// Resident memory at or near `level`; nothing to give back.
        case watching(level: Int)
        /// Grown past the reference by the growth that counts; released once it holds still.
        case growing
        /// Released; the process is mapping back what it still uses. `floor` is the lowest sample since.
        case settling(floor: Int)
    }

    private let configuration: MemoryRelease.Configuration
    private var state = State.watching(level: 0)
    /// Releases since the process last settled: the growth that counts while settling doubles with each after the
    /// first.
    private var unsettledReleases = 0
    /// The last samples, newest last, as many as the longer of the two quiet windows.
    private var recent: [Int] = []

    init(configuration: MemoryRelease.Configuration) {
        self.configuration = configuration
    }

    /// Takes a sample of the resident bytes and says whether to release now.
    mutating func sampled(_ residentBytes: Int) -> Action {
        recent.append(residentBytes)
        if recent.count > max(configuration.quietSamples, configuration.settleSamples) { recent.removeFirst() }
        switch state {
        case .watching(let level):
            guard residentBytes - level >= configuration.growth else { return .keepSampling }
            state = .growing
        case .growing:
            break
        case .settling(let floor):
            let floor = min(floor, residentBytes)
            let growth = configuration.growth << min(max(unsettledReleases - 1, 0), 16)
            if residentBytes - floor >= growth {
                state = .growing
            } else {
                state = .settling(floor: floor)
                if isQuiet(for: configuration.settleSamples) {
                    state = .watching(level: residentBytes)
                    unsettledReleases = 0
                }
                return .keepSampling
            }
        }
        return isQuiet(for: configuration.quietSamples) ? .release : .keepSampling
    }

    /// Records that the memory was released: what the process uses from here on is its idle set until it settles.
    mutating func released() {
        state = .settling(floor: .max)
        unsettledReleases += 1
        recent.removeAll()
    }

    /// Whether the last `count` samples lie within the stillness of each other: the configured bytes, or the
    /// configured fraction of the lowest sample if that is more.
    private func isQuiet(for count: Int) -> Bool {
        let window = recent.suffix(count)
        guard window.count == count, let low = window.min(), let high = window.max() else { return false }
        let relative = Int(Double(low) * configuration.relativeStillness)
        return high - low <= max(configuration.stillness, relative)
    }
}
