public import Logging
public import ServiceLifecycle

/// Gives back the memory a process took for a burst of work once the burst is over (start-up, a deployment, nodes
/// attaching, a reconnection): the pages of code and read-only data it mapped, and the heap pages it freed.
///
/// Linux maps a program's code into a process in large blocks around every page it runs, and keeps them mapped after
/// the work is done: an idle `eosd node` holds the code it ran to start (loading certificates, opening its store,
/// registering, starting workloads) beside the little it runs while idle. The C library's allocator likewise keeps
/// the pages of memory a burst allocated and freed: a site whose 500 nodes all report at once holds the memory of
/// those 500 calls long after they ended.
///
/// This service samples the process's resident memory once a ``Configuration/interval``, its file-backed and its
/// anonymous part apart. When one has grown by ``Configuration/growth`` and then held still for
/// ``Configuration/quietSamples`` samples (within ``Configuration/stillness`` bytes, or
/// ``Configuration/relativeStillness`` of its level if that is more), it gives that part back: the process's
/// private, read-only file mappings with `madvise(MADV_DONTNEED)`, the heap's free pages with glibc's `malloc_trim`.
/// Growth while the process maps back what it still uses after a release counts from the lowest level since, each
/// release that follows another before the process held still for ``Configuration/settleSamples`` samples taking
/// twice the growth. What the process still runs comes back from the page cache on first touch; the rest stays out of
/// its resident set, so the memory the host sees the process hold is the memory it uses.
///
/// Nothing is lost by a release: the code pages are the file's own, which the process cannot write, and pages it
/// holds copies of (a debugger's breakpoints, relocated data made read-only) are kept; the heap gives back only what
/// nothing holds. On systems other than Linux the service does nothing, and where the C library is not glibc it
/// gives back code pages only.
public struct MemoryRelease: Service {
    /// When to release.
    public struct Configuration: Sendable {
        /// How often the resident memory is sampled.
        public var interval: Duration
        /// The growth of resident file-backed or anonymous memory, in bytes, past the level the last release of
        /// that part settled at, that counts as a burst of work.
        public var growth: Int
        /// How many consecutive samples must lie within ``stillness`` of each other for a burst to be over.
        public var quietSamples: Int
        /// How many consecutive samples after a release must lie within ``stillness`` of each other before the level
        /// the process settled at is taken: long enough for every timer of its idle loop to have run once, so that
        /// what they map again is never taken for a burst.
        public var settleSamples: Int
        /// The spread of bytes among those samples that still counts as holding still.
        public var stillness: Int
        /// The spread, as a fraction of the lowest of those samples, that also counts as holding still when it is
        /// more than ``stillness``: a site holding 70 MiB of heap for 500 nodes moves by a few hundred KiB a second
        /// at rest, as their heartbeats come and go.
        public var relativeStillness: Double

        /// One sample a second; a burst is 4 MiB and over after three seconds within 256 KiB or 1% of the level,
        /// whichever is more; the level after a release is taken after 30 such seconds (a node heartbeats every 10
        /// seconds and reports telemetry every 15 by default).
        public static let standard = Configuration(
            interval: .seconds(1), growth: 4 << 20, quietSamples: 3, settleSamples: 30, stillness: 256 << 10,
            relativeStillness: 0.01)

        /// A configuration; `quietSamples` and `settleSamples` are at least 1.
        public init(
            interval: Duration, growth: Int, quietSamples: Int, settleSamples: Int, stillness: Int,
            relativeStillness: Double = 0
        ) {
            self.interval = interval
            self.growth = growth
            self.quietSamples = max(1, quietSamples)
            self.settleSamples = max(1, settleSamples)
            self.stillness = stillness
            self.relativeStillness = max(0, relativeStillness)
        }
    }

    private let configuration: Configuration
    private let releasesCode: Bool
    private let clock: any Clock<Duration>
    private let logger: Logger

    /// A release service for this process; it logs each release at debug level.
    ///
    /// - Parameter releasingCode: whether code pages are given back; `false` keeps what the process mapped (for a
    ///   host that would rather not wait for the page cache on the next burst) and gives back only the heap's.
    public init(
        configuration: Configuration = .standard, releasingCode: Bool = true,
        clock: any Clock<Duration> = ContinuousClock(), logger: Logger
    ) {
        self.configuration = configuration
        self.releasesCode = releasingCode
        self.clock = clock
        self.logger = logger
    }

    /// Samples and releases until the task is cancelled or the service group shuts down.
    public func run() async throws {
        guard ResidentMemory.sample() != nil else { return }
        do {
            try await cancelWhenGracefulShutdown { try await sampleAndRelease() }
        } catch  where Task.isShuttingDownGracefully {
            // The sleep ends by throwing when the shutdown cancels it: the end asked for, not a failure.
        }
    }

    private func sampleAndRelease() async throws {
        var code = MemoryReleaseStateMachine(configuration: configuration)
        var heap = MemoryReleaseStateMachine(configuration: configuration)
        let releasesHeap = ResidentMemory.canTrimHeap
        while true {
            try await clock.sleep(for: configuration.interval)
            guard let sample = ResidentMemory.sample() else { return }
            if releasesCode, code.sampled(sample.fileBacked) == .release {
                let outcome = ResidentCodePages.release()
                code.released()
                log(
                    "released code pages", from: sample, \.fileBacked,
                    ["mappings": "\(outcome.mappings)", "kept-pages": "\(outcome.keptPages)"])
                for refusal in outcome.refusals {
                    logger.debug("a mapping's code pages were not released", metadata: ["reason": "\(refusal)"])
                }
            }
            if releasesHeap, heap.sampled(sample.anonymous) == .release {
                ResidentMemory.trimHeap()
                heap.released()
                log("released heap pages", from: sample, \.anonymous)
            }
        }
    }

    /// Logs a release of `part` of the resident set at debug level, with that part before and after it.
    private func log(
        _ message: Logger.Message, from before: ResidentMemory.Sample, _ part: KeyPath<ResidentMemory.Sample, Int>,
        _ metadata: Logger.Metadata = [:]
    ) {
        let after = ResidentMemory.sample()?[keyPath: part] ?? before[keyPath: part]
        logger.debug(
            message,
            metadata: metadata.merging(
                ["resident-before": "\(before[keyPath: part] >> 10) KiB", "resident-after": "\(after >> 10) KiB"]
            ) { $1 })
    }
}
