public import EOSModel
public import Foundation
internal import SwiftProtobuf

/// What an agent makes of OTLP/HTTP exports from the workloads it runs: metrics become telemetry samples that go up
/// with the host's; traces and logs are answered as rejected (OTLP's partial success), since EOS carries metrics
/// only from the edge, so the workload's SDK reports the loss instead of retrying it forever.
///
/// Metric names become `eos_app_NAME` (Prometheus-safe), so a workload's metrics never pass for EOS's own. Each
/// sample's labels are its attributes, plus `service` (the resource's `service.name`) and `deployment` and
/// `workload` when the resource says so (`eos.deployment`, `eos.workload`, which the Edge Node puts in each
/// workload's `OTEL_RESOURCE_ATTRIBUTES`). Gauges stay gauges; monotonic sums become counters (`_total`), other sums
/// gauges; a histogram or summary becomes its count and sum as counters (`_count_total`, `_sum_total`). Only
/// cumulative sums are taken: a delta sum has no total to report, and is rejected.
public enum OTLPIntake {
    /// The signal an export carries, from its path.
    public enum Signal: String, Sendable, CaseIterable {
        /// `/v1/metrics`.
        case metrics
        /// `/v1/traces`.
        case traces
        /// `/v1/logs`.
        case logs
    }

    /// The outcome of one export: the samples taken and the answer to send back (protobuf).
    public struct Outcome: Sendable {
        /// The samples taken.
        public var points: [MetricPoint]
        /// How many data points, spans or log records were rejected.
        public var rejected: Int
        /// The `Export*ServiceResponse` to answer with, serialized.
        public var response: Data
    }

    /// Decodes a protobuf export of `signal`, stamping samples `receivedAt` when they carry no time; throws when the
    /// body is not one.
    public static func take(_ body: Data, signal: Signal, receivedAt: Timestamp = .now) throws -> Outcome {
        switch signal {
        case .metrics:
            let request = try Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest(
                serializedBytes: body)
            let (points, rejected) = metrics(request, receivedAt: receivedAt)
            var response = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceResponse()
            if rejected > 0 {
                response.partialSuccess.rejectedDataPoints = Int64(rejected)
                response.partialSuccess.errorMessage = "delta sums and exponential histograms are not taken"
            }
            return Outcome(points: points, rejected: rejected, response: try response.serializedBytes())
        case .traces:
            let request = try Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest(serializedBytes: body)
            let spans = request.resourceSpans.flatMap(\.scopeSpans).map(\.spans.count).reduce(0, +)
            var response = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse()
            if spans > 0 {
                response.partialSuccess.rejectedSpans = Int64(spans)
                response.partialSuccess.errorMessage = "this Edge Node forwards metrics only"
            }
            return Outcome(points: [], rejected: spans, response: try response.serializedBytes())
        case .logs:
            let request = try Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest(serializedBytes: body)
            let records = request.resourceLogs.flatMap(\.scopeLogs).map(\.logRecords.count).reduce(0, +)
            var response = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceResponse()
            if records > 0 {
                response.partialSuccess.rejectedLogRecords = Int64(records)
                response.partialSuccess.errorMessage = "this Edge Node forwards metrics only"
            }
            return Outcome(points: [], rejected: records, response: try response.serializedBytes())
        }
    }

    private static func metrics(
        _ request: Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest, receivedAt: Timestamp
    ) -> ([MetricPoint], Int) {
        var points: [MetricPoint] = []
        var rejected = 0
        for resourceMetrics in request.resourceMetrics {
            var base: [String: String] = [:]
            for attribute in resourceMetrics.resource.attributes {
                switch attribute.key {
                case "service.name": base["service"] = text(attribute.value)
                case "eos.deployment": base["deployment"] = text(attribute.value)
                case "eos.workload": base["workload"] = text(attribute.value)
                default: break
                }
            }
            for metric in resourceMetrics.scopeMetrics.flatMap(\.metrics) {
                let name = "eos_app_" + PrometheusName.label(metric.name)
                let unit = metric.unit.isEmpty ? nil : metric.unit
                func add(
                    _ suffix: String, _ value: Double, _ kind: MetricPoint.Kind,
                    _ attributes: [Opentelemetry_Proto_Common_V1_KeyValue], _ time: UInt64
                ) {
                    var labels = base
                    for attribute in attributes { labels[PrometheusName.label(attribute.key)] = text(attribute.value) }
                    points.append(
                        MetricPoint(
                            name: name + suffix, labels: labels, value: value,
                            timestamp: time == 0 ? receivedAt : Timestamp(unixNanoseconds: time), unit: unit,
                            kind: kind))
                }
                switch metric.data {
                case .gauge(let gauge):
                    for point in gauge.dataPoints {
                        add("", number(point), .gauge, point.attributes, point.timeUnixNano)
                    }
                case .sum(let sum):
                    guard sum.aggregationTemporality != .delta else {
                        rejected += sum.dataPoints.count
                        continue
                    }
                    for point in sum.dataPoints {
                        if sum.isMonotonic {
                            add(
                                name.hasSuffix("_total") ? "" : "_total", number(point), .counter, point.attributes,
                                point.timeUnixNano)
                        } else {
                            add("", number(point), .gauge, point.attributes, point.timeUnixNano)
                        }
                    }
                case .histogram(let histogram):
                    guard histogram.aggregationTemporality != .delta else {
                        rejected += histogram.dataPoints.count
                        continue
                    }
                    for point in histogram.dataPoints {
                        add("_count_total", Double(point.count), .counter, point.attributes, point.timeUnixNano)
                        if point.hasSum { add("_sum_total", point.sum, .counter, point.attributes, point.timeUnixNano) }
                    }
                case .summary(let summary):
                    for point in summary.dataPoints {
                        add("_count_total", Double(point.count), .counter, point.attributes, point.timeUnixNano)
                        add("_sum_total", point.sum, .counter, point.attributes, point.timeUnixNano)
                    }
                case .exponentialHistogram(let histogram):
                    rejected += histogram.dataPoints.count
                case nil:
                    break
                }
            }
        }
        return (points, rejected)
    }

    private static func number(_ point: Opentelemetry_Proto_Metrics_V1_NumberDataPoint) -> Double {
        switch point.value {
        case .asDouble(let value): value
        case .asInt(let value): Double(value)
        case nil: 0
        }
    }

    private static func text(_ value: Opentelemetry_Proto_Common_V1_AnyValue) -> String {
        switch value.value {
        case .stringValue(let text): text
        case .boolValue(let flag): String(flag)
        case .intValue(let number): String(number)
        case .doubleValue(let number): String(number)
        case .bytesValue(let bytes): bytes.base64EncodedString()
        case .arrayValue, .kvlistValue, .stringValueStrindex, nil: ""
        }
    }
}
