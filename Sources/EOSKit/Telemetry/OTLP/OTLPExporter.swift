public import AsyncHTTPClient
public import EOSModel
public import Foundation
public import Logging
internal import NIOCore
public import ServiceLifecycle
internal import SwiftProtobuf
internal import Synchronization

/// Sends telemetry to an OpenTelemetry collector over OTLP/HTTP (`POST {endpoint}/v1/metrics`, protobuf): the
/// central's gateway mode forwards everything its sites send up; an agent can use it as a sink too.
///
/// Samples queue in memory (at most ``Configuration/maximumQueuedSamples``; beyond it the oldest go, counted in
/// ``Statistics/dropped``) and go out in requests of up to ``Configuration/maximumBatchSize``. A request the
/// collector refuses or cannot be reached for is tried again after a growing pause, so a collector restart loses
/// nothing the queue can hold. Run it as a `Service`.
public final class OTLPExporter: TelemetrySink, TelemetryReceiver, Service {
    /// Where and how to export.
    public struct Configuration: Sendable {
        /// The collector's OTLP/HTTP base: `http://collector:4318`; requests go to `/v1/metrics` under it.
        public var endpoint: URL
        /// Headers every request carries (an API key, a tenant).
        public var headers: [String: String]
        /// The resource attributes: who exports (`service.name`, `service.instance.id`).
        public var resource: [String: String]
        /// The most samples queued. Default: 100,000.
        public var maximumQueuedSamples: Int
        /// The most samples in one request. Default: 5,000.
        public var maximumBatchSize: Int
        /// How long a request may take. Default: 10 seconds.
        public var timeout: Duration

        /// A configuration; the optional arguments have the documented defaults.
        public init(
            endpoint: URL, headers: [String: String] = [:], resource: [String: String] = ["service.name": "eos"],
            maximumQueuedSamples: Int = 100_000, maximumBatchSize: Int = 5_000, timeout: Duration = .seconds(10)
        ) {
            self.endpoint = endpoint
            self.headers = headers
            self.resource = resource
            self.maximumQueuedSamples = max(1, maximumQueuedSamples)
            self.maximumBatchSize = max(1, maximumBatchSize)
            self.timeout = timeout
        }
    }

    /// What the exporter has done.
    public struct Statistics: Sendable, Hashable {
        /// Samples the collector accepted.
        public var exported: UInt64
        /// Samples dropped because the queue was full.
        public var dropped: UInt64
        /// Requests that failed and were tried again.
        public var failedRequests: UInt64
    }

    private struct State {
        var queue: [MetricPoint] = []
        var first = 0
        /// How many samples were removed from the front of `queue`, so a position survives compaction.
        var offset = 0
        var statistics = Statistics(exported: 0, dropped: 0, failedRequests: 0)
    }

    /// Where and how it exports.
    public let configuration: Configuration
    private let client: HTTPClient
    private let logger: Logger
    private let clock: any Clock<Duration>
    private let state = Mutex(State())
    private let arrivals = ReconcileSignal()

    /// An exporter to `configuration.endpoint` through `client` (the process's shared one unless given).
    public init(
        configuration: Configuration, client: HTTPClient = .shared, logger: Logger = Logger(label: "eos.otlp"),
        clock: any Clock<Duration> = ContinuousClock()
    ) {
        self.configuration = configuration
        self.client = client
        self.logger = logger
        self.clock = clock
    }

    /// What it has done so far.
    public var statistics: Statistics { state.withLock { $0.statistics } }

    /// Queues one collection.
    public func receive(_ points: [MetricPoint]) async { enqueue(points) }

    /// Queues a child's batch, named and labelled as the gateway files it: Prometheus-safe names, `site` for a
    /// site's samples (their `node` label kept), `node` for a node attached directly.
    public func receive(_ batch: TelemetryBatch, from kind: ChildKind, id: String) async {
        let stamp = kind == .site ? LabelStamp(["site": id]) : LabelStamp(["node": id])
        let safe = batch.points.filter(\.value.isFinite).map { point in
            var point = point
            point.name = PrometheusName.metric(point.name)
            point.labels = Dictionary(
                point.labels.map { (PrometheusName.label($0.key), $0.value) }, uniquingKeysWith: { first, _ in first })
            return point
        }
        enqueue(stamp.process(safe))
    }

    private func enqueue(_ points: [MetricPoint]) {
        guard !points.isEmpty else { return }
        let limit = configuration.maximumQueuedSamples
        state.withLock { state in
            state.queue.append(contentsOf: points)
            let excess = state.queue.count - state.first - limit
            if excess > 0 {
                state.first += excess
                state.statistics.dropped += UInt64(excess)
            }
            if state.first > 4096 && state.first * 2 > state.queue.count {
                state.queue.removeFirst(state.first)
                state.offset += state.first
                state.first = 0
            }
        }
        arrivals.signal()
    }

    /// Exports until cancelled or shut down gracefully.
    public func run() async throws {
        let url = configuration.endpoint.appending(path: "v1/metrics").absoluteString
        await cancelWhenGracefulShutdown {
            var pause = Duration.milliseconds(500)
            while !Task.isCancelled {
                let (start, batch) = self.state.withLock { state in
                    (
                        state.offset + state.first,
                        Array(state.queue[state.first...].prefix(self.configuration.maximumBatchSize))
                    )
                }
                guard !batch.isEmpty else {
                    await self.arrivals.wait(upTo: .seconds(5), clock: self.clock)
                    continue
                }
                do {
                    try await self.send(batch, to: url)
                    self.state.withLock { state in
                        // Overflow may have pushed part of the batch out meanwhile; forget what was sent, no more.
                        state.first = max(state.first, start + batch.count - state.offset)
                        state.statistics.exported += UInt64(batch.count)
                    }
                    pause = .milliseconds(500)
                } catch {
                    self.state.withLock { $0.statistics.failedRequests += 1 }
                    self.logger.warning(
                        "cannot export telemetry", metadata: ["endpoint": "\(url)", "error": "\(error)"])
                    try? await self.clock.sleep(for: pause)
                    pause = min(pause * 2, .seconds(30))
                }
            }
        }
    }

    private func send(_ points: [MetricPoint], to url: String) async throws {
        let body =
            try OTLPMetricsEncoding.request(points, resource: configuration.resource).serializedBytes() as [UInt8]
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-protobuf")
        for (name, value) in configuration.headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: .nanoseconds(configuration.timeout.wholeNanoseconds))
        let answer = try await response.body.collect(upTo: 1 << 20)
        guard (200..<300).contains(response.status.code) else {
            throw OTLPExportError(status: Int(response.status.code), body: String(buffer: answer))
        }
    }
}

/// A collector refused an export.
struct OTLPExportError: Error, CustomStringConvertible {
    let status: Int
    let body: String
    var description: String { "the collector answered \(status): \(body.prefix(200))" }
}
