internal import AsyncHTTPClient
public import Foundation
internal import NIOCore

/// A real OpenTelemetry protocol receiver process for integration tests: `scripts/otlp-test-receiver.py` (Python with
/// opentelemetry-proto), accepting OTLP/HTTP exports on a loopback port as a collector does.
///
/// What EOS exports to ``endpoint`` is decoded by the official OTLP classes, not by EOS's own code, and kept; tests
/// read it back flattened, as ``metrics()``, ``spans()`` and ``logs()``. ``with(_:)`` starts one for a test and stops
/// it after; ``start()`` and ``stop()`` do the same by hand. Tests enable themselves with
/// `.enabled(if: OTLPTestReceiver.available || OTLPTestReceiver.required, …)`: skipped with ``unavailableReason`` on a
/// bare machine, failing in CI (`EOS_REQUIRE_INTEGRATION=1`).
public final class OTLPTestReceiver: Sendable {
    /// An attribute value or a log body: an OTLP `AnyValue`, as the receiver serves it in JSON.
    ///
    /// It is written as a literal in expectations: `point.attributes["eos.site"] == "s1"`,
    /// `span.attributes["http.response.status_code"] == 200`, `attributes["tags"] == ["a", 1]`. JSON does not keep a
    /// double's type when it has no fraction, so a double such as `2.0` reads back as `.int(2)`; compare numbers
    /// through ``number``.
    public enum Value: Sendable, Hashable, Decodable, CustomStringConvertible, ExpressibleByStringLiteral,
        ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral,
        ExpressibleByDictionaryLiteral
    {
        /// A string; bytes arrive as their base64 text.
        case string(String)
        /// A boolean.
        case bool(Bool)
        /// An integer.
        case int(Int64)
        /// A double.
        case double(Double)
        /// A list of values (`array_value`).
        case array([Value])
        /// Values by key (`kvlist_value`).
        case kvlist([String: Value])
        /// No value: the `AnyValue` was empty (a log record without a body).
        case null

        /// Decodes a value from the receiver's plain JSON.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let value = try? container.decode(Bool.self) {
                self = .bool(value)
            } else if let value = try? container.decode(Int64.self) {
                self = .int(value)
            } else if let value = try? container.decode(Double.self) {
                self = .double(value)
            } else if let value = try? container.decode(String.self) {
                self = .string(value)
            } else if let value = try? container.decode([Value].self) {
                self = .array(value)
            } else {
                self = .kvlist(try container.decode([String: Value].self))
            }
        }

        /// A string value.
        public init(stringLiteral value: String) { self = .string(value) }
        /// An integer value.
        public init(integerLiteral value: Int64) { self = .int(value) }
        /// A double value.
        public init(floatLiteral value: Double) { self = .double(value) }
        /// A boolean value.
        public init(booleanLiteral value: Bool) { self = .bool(value) }
        /// A list value.
        public init(arrayLiteral elements: Value...) { self = .array(elements) }
        /// A key-value list value; the last of repeated keys wins.
        public init(dictionaryLiteral elements: (String, Value)...) {
            self = .kvlist(Dictionary(elements, uniquingKeysWith: { $1 }))
        }

        /// The value as a number, when it is an integer or a double.
        public var number: Double? {
            switch self {
            case .int(let value): return Double(value)
            case .double(let value): return value
            default: return nil
            }
        }

        /// The string, or the value as text: `true`, `42`, `0.5`, `[a, 1]`, `{k: v}`, `null`.
        public var description: String {
            switch self {
            case .string(let value): return value
            case .bool(let value): return "\(value)"
            case .int(let value): return "\(value)"
            case .double(let value): return "\(value)"
            case .array(let values): return "[\(values.map(\.description).joined(separator: ", "))]"
            case .kvlist(let values):
                return "{\(values.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))}"
            case .null: return "null"
            }
        }
    }

    /// The kind of metric a data point belongs to: which of OTLP's `Metric.data` is set.
    public enum MetricType: String, Sendable, Hashable, Decodable {
        /// A gauge: a value at a time.
        case gauge
        /// A sum: a counter (``Point/monotonic``) or an up-down counter.
        case sum
        /// A histogram with explicit bucket bounds.
        case histogram
        /// A summary with quantiles.
        case summary
        /// An exponential histogram.
        case exponentialHistogram = "exponential_histogram"
    }

    /// One metric data point received, with its metric, scope and resource.
    public struct Point: Sendable, Hashable, Decodable {
        /// The resource's attributes (`service.name`, …).
        public var resource: [String: Value]
        /// The instrumentation scope's name.
        public var scope: String
        /// The metric's name.
        public var metric: String
        /// The metric's unit, empty when it has none.
        public var unit: String
        /// The kind of metric.
        public var type: MetricType
        /// Whether a sum only grows; nil for every other kind.
        public var monotonic: Bool?
        /// The aggregation temporality of a sum or histogram (`AGGREGATION_TEMPORALITY_CUMULATIVE`, `…_DELTA`,
        /// `…_UNSPECIFIED`); nil for gauges and summaries.
        public var temporality: String?
        /// The point's attributes.
        public var attributes: [String: Value]
        /// When the series started (cumulative sums and histograms), 0 when unset.
        public var startTimeUnixNano: UInt64
        /// When the point was taken.
        public var timeUnixNano: UInt64
        /// A gauge's or sum's value (an integer one as a double); nil for the other kinds.
        public var value: Double?
        /// How many observations a histogram or summary holds; nil for gauges and sums.
        public var count: UInt64?
        /// Their sum; nil for gauges and sums, and for a histogram that sent none.
        public var sum: Double?
        /// A histogram's counts per bucket; nil for the other kinds.
        public var bucketCounts: [UInt64]?
        /// A histogram's bucket upper bounds (one fewer than the counts); nil for the other kinds.
        public var explicitBounds: [Double]?
    }

    /// One span received, with its scope and resource.
    public struct Span: Sendable, Hashable, Decodable {
        /// A span's status.
        public struct Status: Sendable, Hashable, Decodable {
            /// `STATUS_CODE_UNSET`, `STATUS_CODE_OK` or `STATUS_CODE_ERROR`.
            public var code: String
            /// The error's description, empty when none.
            public var message: String
        }

        /// The resource's attributes.
        public var resource: [String: Value]
        /// The instrumentation scope's name.
        public var scope: String
        /// The trace id: 32 lower-case hex digits.
        public var traceId: String
        /// The span id: 16 lower-case hex digits.
        public var spanId: String
        /// The parent's span id, or empty for a root span.
        public var parentSpanId: String
        /// The span's name.
        public var name: String
        /// `SPAN_KIND_SERVER`, `SPAN_KIND_CLIENT`, `SPAN_KIND_INTERNAL`, `SPAN_KIND_PRODUCER`, `SPAN_KIND_CONSUMER` or
        /// `SPAN_KIND_UNSPECIFIED`.
        public var kind: String
        /// When the span started.
        public var startTimeUnixNano: UInt64
        /// When it ended.
        public var endTimeUnixNano: UInt64
        /// The span's attributes.
        public var attributes: [String: Value]
        /// Its status.
        public var status: Status
    }

    /// One log record received, with its scope and resource.
    public struct LogRecord: Sendable, Hashable, Decodable {
        /// The resource's attributes.
        public var resource: [String: Value]
        /// The instrumentation scope's name.
        public var scope: String
        /// When the event happened, 0 when unset.
        public var timeUnixNano: UInt64
        /// When it was observed, 0 when unset.
        public var observedTimeUnixNano: UInt64
        /// The OTLP severity number (9 INFO, 13 WARN, 17 ERROR, …), 0 when unset.
        public var severityNumber: Int
        /// The severity as text, as the source wrote it.
        public var severityText: String
        /// The body: usually a string, ``Value/null`` when none.
        public var body: Value
        /// The record's attributes.
        public var attributes: [String: Value]
        /// The trace id it belongs to, in hex, or empty.
        public var traceId: String
        /// The span id it belongs to, in hex, or empty.
        public var spanId: String
    }

    /// Whether integration tests must run (`EOS_REQUIRE_INTEGRATION=1`): anything missing is then a failure.
    public static let required = ProcessInfo.processInfo.environment["EOS_REQUIRE_INTEGRATION"] == "1"

    /// The receiver script: `EOS_OTLP_TEST_RECEIVER`, else `scripts/otlp-test-receiver.py` in this repository.
    public static let script: URL = PythonTestServer.script(
        "otlp-test-receiver.py", overriddenBy: "EOS_OTLP_TEST_RECEIVER")

    /// Why the receiver cannot run here, or nil when it can.
    public static let unavailableReason: String? = PythonTestServer.unavailableReason(
        of: script, importing: "opentelemetry.proto.collector.metrics.v1.metrics_service_pb2",
        install: "pip install opentelemetry-proto==1.45.2")

    /// Whether the receiver can run here.
    public static var available: Bool { unavailableReason == nil }

    /// Where exporters send: `http://127.0.0.1:PORT`, the base of `/v1/metrics`, `/v1/traces` and `/v1/logs` (what
    /// `OTEL_EXPORTER_OTLP_ENDPOINT` names).
    public let endpoint: URL
    private let server: PythonTestServer

    private init(server: PythonTestServer) {
        self.endpoint = server.url
        self.server = server
    }

    /// Runs `body` with a receiver, stopping it afterwards.
    public static func with<T: Sendable>(_ body: (OTLPTestReceiver) async throws -> T) async throws -> T {
        let receiver = try await start()
        do {
            let result = try await body(receiver)
            await receiver.stop()
            return result
        } catch {
            await receiver.stop()
            throw error
        }
    }

    /// Starts a receiver on a free loopback port and returns once it answers; ``stop()`` it when done.
    public static func start() async throws -> OTLPTestReceiver {
        if let unavailableReason {
            throw OTLPTestReceiverError("the OTLP test receiver cannot run: \(unavailableReason)")
        }
        let folder = try PythonTestServer.makeFolder("eos-otlp")
        let server = try await PythonTestServer.start(
            script, ["--host", "127.0.0.1", "--port", "0"], in: folder
        ) { line, log in
            OTLPTestReceiverError("the OTLP test receiver did not start (\(line)): \(log)")
        }
        return OTLPTestReceiver(server: server)
    }

    /// Stops the receiver (SIGTERM, then SIGKILL after 5 seconds) and removes its files. The waiting happens on a
    /// thread of its own, so it never holds one of the few threads async tasks run on.
    public func stop() async {
        await server.stop()
    }

    /// What the receiver logged: a line per request, and why it rejected an export. For a failing test to print.
    public var requestLog: String { server.log }

    // MARK: What was received

    /// Every metric data point received since the start or the last ``reset()``, in the order they arrived.
    public func metrics() async throws -> [Point] {
        try await received("metrics", as: ReceivedMetrics.self).points
    }

    /// Every span received since the start or the last ``reset()``, in the order they arrived.
    public func spans() async throws -> [Span] {
        try await received("traces", as: ReceivedTraces.self).spans
    }

    /// Every log record received since the start or the last ``reset()``, in the order they arrived.
    public func logs() async throws -> [LogRecord] {
        try await received("logs", as: ReceivedLogs.self).records
    }

    /// Forgets everything received so far.
    public func reset() async throws {
        _ = try await call("POST", "/admin/reset")
    }

    private struct ReceivedMetrics: Decodable { var points: [Point] }
    private struct ReceivedTraces: Decodable { var spans: [Span] }
    private struct ReceivedLogs: Decodable { var records: [LogRecord] }

    private func received<Answer: Decodable>(_ signal: String, as type: Answer.Type) async throws -> Answer {
        let data = try await call("GET", "/received/\(signal)")
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            let text = String(decoding: data.prefix(2000), as: UTF8.self)
            throw OTLPTestReceiverError("GET /received/\(signal) answered what does not decode (\(error)): \(text)")
        }
    }

    private func call(_ method: String, _ path: String) async throws -> Data {
        var request = HTTPClientRequest(url: endpoint.absoluteString + path)
        request.method = .RAW(value: method)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        // Everything received is kept, so a long test's answer can be large.
        let data = Data(buffer: try await response.body.collect(upTo: 256 << 20))
        guard response.status == .ok else {
            throw OTLPTestReceiverError(
                "\(method) \(path) answered \(response.status.code): \(String(decoding: data, as: UTF8.self))")
        }
        return data
    }
}

/// Why the OTLP test receiver could not start or answer.
public struct OTLPTestReceiverError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String

    init(_ description: String) { self.description = description }
}
