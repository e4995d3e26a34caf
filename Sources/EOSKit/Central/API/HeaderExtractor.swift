internal import HTTPTypes
internal import Instrumentation

/// Reads trace headers (`traceparent`, `tracestate`) from an HTTP request.
struct HeaderExtractor: Extractor {
    func extract(key: String, from headers: HTTPFields) -> String? {
        HTTPField.Name(key).flatMap { headers[$0] }
    }
}
