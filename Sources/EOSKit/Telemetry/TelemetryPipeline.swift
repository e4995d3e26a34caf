public import EOSModel
public import Logging
public import ServiceLifecycle

/// Telemetry as an agent gathers it: sources read at every interval, processors in turn, sinks fed with the result.
///
/// ```swift
/// let buffer = TelemetryBuffer(sourceID: "press-7")
/// let pipeline = TelemetryPipeline(
///     sources: [HostMetricsSource(filesystems: ["/var/lib/eos"]), SwiftMetricsSource()],
///     processors: [LabelStamp(["node": "press-7"])],
///     sinks: [buffer])
/// ```
///
/// This is the agent mode the Edge Node and the Local Orchestrator run (their sink is the ``TelemetryBuffer`` their
/// link to the parent drains); the central's gateway mode is a ``TelemetryGateway`` fed by its children. Run it as a
/// `Service`, or call ``collect()`` to gather once. Collections never overlap: a slow source delays the next.
public final class TelemetryPipeline: Service {
    /// Where samples come from, read concurrently at each collection.
    public let sources: [any TelemetrySource]
    /// The steps between sources and sinks, in order.
    public let processors: [any TelemetryProcessor]
    /// Where the processed samples go, each given all of them.
    public let sinks: [any TelemetrySink]
    /// How often ``run()`` collects. Default: 15 seconds.
    public let interval: Duration
    private let clock: any Clock<Duration>
    private let logger: Logger

    /// A pipeline collecting every `interval` (at least 100 milliseconds).
    public init(
        sources: [any TelemetrySource], processors: [any TelemetryProcessor] = [], sinks: [any TelemetrySink],
        interval: Duration = .seconds(15), clock: any Clock<Duration> = ContinuousClock(),
        logger: Logger = Logger(label: "eos.telemetry")
    ) {
        self.sources = sources
        self.processors = processors
        self.sinks = sinks
        self.interval = max(interval, .milliseconds(100))
        self.clock = clock
        self.logger = logger
    }

    /// Gathers once: reads every source, runs the processors and hands the result to every sink; answers what the
    /// sinks were given.
    @discardableResult
    public func collect() async -> [MetricPoint] {
        let time = Timestamp.now
        let gathered = await withTaskGroup(of: (Int, [MetricPoint]).self) { group in
            for (index, source) in sources.enumerated() {
                group.addTask { (index, await source.collect(at: time)) }
            }
            var bySource = [[MetricPoint]](repeating: [], count: sources.count)
            for await (index, points) in group { bySource[index] = points }
            return bySource.flatMap { $0 }
        }
        let processed = processors.reduce(gathered) { points, processor in processor.process(points) }
        for sink in sinks { await sink.receive(processed) }
        return processed
    }

    /// Collects at every interval until cancelled or shut down gracefully; the first collection is at once.
    public func run() async throws {
        logger.debug(
            "telemetry pipeline starting",
            metadata: ["interval": "\(interval)", "sources": "\(sources.map(\.name).joined(separator: ","))"])
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                // The time a collection takes comes off the wait, so samples stay an interval apart.
                let took = await self.clock.measure { await self.collect() }
                do {
                    try await self.clock.sleep(for: max(self.interval - took, .milliseconds(10)))
                } catch {
                    return
                }
            }
        }
    }
}
