public import Logging
public import ServiceLifecycle

/// Gives back the pages of code and read-only data that a process mapped for a burst of work, once the burst is
/// over: start-up, a deployment, a reconnection.
///
/// Linux maps a program's code into a process in large blocks around every page it runs, and keeps them mapped after
/// the work is done: an idle `eosd node` holds the code it ran to start (loading certificates, opening its store,
/// registering, starting workloads) beside the little it runs while idle. This service samples the process's resident
/// file-backed memory once a ``Configuration/interval``. When it has grown by ``Configuration/growth`` and then held
/// still for ``Configuration/quietSamples`` samples, it drops the process's private, read-only file mappings with
/// `madvise(MADV_DONTNEED)`. A burst that starts while the process is still mapping back its idle set after a release
/// (``Configuration/settleSamples``) is taken into that set, and given back with the next one. What the process still
/// runs comes back from the page cache on first touch; the rest stays out of its resident set, so the memory the host
/// sees the agent hold is the memory it uses.
///
/// Nothing is lost by a release: those pages are the file's own, which the process cannot write. Pages it holds
/// copies of (a debugger's breakpoints, relocated data made read-only) are kept. On systems other than Linux the
/// service does nothing.
public struct CodePageRelease: Service {
    /// When to release.
    public struct Configuration: Sendable {
        /// How often the resident memory is sampled.
        public var interval: Duration
        /// The growth of resident file-backed memory, in bytes, past the level the last release settled at, that
        /// counts as a burst of work.
        public var growth: Int
        /// How many consecutive samples must lie within ``stillness`` of each other for a burst to be over.
        public var quietSamples: Int
        /// How many consecutive samples after a release must lie within ``stillness`` of each other before the level
        /// the process settled at is taken: long enough for every timer of its idle loop to have run once, so that
        /// what they map again is never taken for a burst.
        public var settleSamples: Int
        /// The spread of bytes among those samples that still counts as holding still.
        public var stillness: Int

        /// One sample a second; a burst is 4 MiB and over after three seconds within 256 KiB; the level after a
        /// release is taken after 30 such seconds (a node heartbeats every 10 seconds and reports telemetry every 15
        /// by default).
        public static let standard = Configuration(
            interval: .seconds(1), growth: 4 << 20, quietSamples: 3, settleSamples: 30, stillness: 256 << 10)

        /// A configuration; `quietSamples` and `settleSamples` are at least 1.
        public init(interval: Duration, growth: Int, quietSamples: Int, settleSamples: Int, stillness: Int) {
            self.interval = interval
            self.growth = growth
            self.quietSamples = max(1, quietSamples)
            self.settleSamples = max(1, settleSamples)
            self.stillness = stillness
        }
    }

    private let configuration: Configuration
    private let clock: any Clock<Duration>
    private let logger: Logger

    /// A release service for this process; it logs each release at debug level.
    public init(
        configuration: Configuration = .standard, clock: any Clock<Duration> = ContinuousClock(), logger: Logger
    ) {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    /// Samples and releases until the task is cancelled or the service group shuts down.
    public func run() async throws {
        guard ResidentCodePages.fileBackedBytes() != nil else { return }
        do {
            try await cancelWhenGracefulShutdown { try await sampleAndRelease() }
        } catch  where Task.isShuttingDownGracefully {
            // The sleep ends by throwing when the shutdown cancels it: the end asked for, not a failure.
        }
    }

    private func sampleAndRelease() async throws {
        var machine = CodePageReleaseStateMachine(configuration: configuration)
        while true {
            try await clock.sleep(for: configuration.interval)
            guard let resident = ResidentCodePages.fileBackedBytes() else { return }
            guard machine.sampled(resident) == .release else { continue }
            let outcome = ResidentCodePages.release()
            machine.released()
            let after = ResidentCodePages.fileBackedBytes() ?? resident
            logger.debug(
                "released code pages",
                metadata: [
                    "resident-before": "\(resident >> 10) KiB", "resident-after": "\(after >> 10) KiB",
                    "mappings": "\(outcome.mappings)", "kept-pages": "\(outcome.keptPages)",
                ])
            for refusal in outcome.refusals {
                logger.debug("a mapping's code pages were not released", metadata: ["reason": "\(refusal)"])
            }
        }
    }
}
