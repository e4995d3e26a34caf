internal import Instrumentation

/// Writes and reads trace headers (`traceparent`, `tracestate`) in a message's string map, for calls that travel
/// inside a stream rather than with metadata of their own (`Upstream.Attach`).
struct TraceContextMap: Injector, Extractor {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
        carrier[key] = value
    }

    func extract(key: String, from carrier: [String: String]) -> String? {
        carrier[key]
    }
}
