internal import EOSModel
internal import Foundation
internal import SwiftProtobuf

/// Samples as an OTLP `ExportMetricsServiceRequest`: one metric per name, a gauge or a monotonic cumulative sum,
/// each sample a data point with its labels as attributes.
enum OTLPMetricsEncoding {
    typealias Request = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest

    static func request(_ points: [MetricPoint], resource: [String: String]) -> Request {
        var byName: [String: [MetricPoint]] = [:]
        var order: [String] = []
        for point in points {
            if byName[point.name] == nil { order.append(point.name) }
            byName[point.name, default: []].append(point)
        }
        var scope = Opentelemetry_Proto_Metrics_V1_ScopeMetrics()
        scope.scope.name = "eos"
        scope.metrics = order.map { name in
            let points = byName[name] ?? []
            var metric = Opentelemetry_Proto_Metrics_V1_Metric()
            metric.name = name
            metric.unit = unit(points.first?.unit)
            metric.description_p = MetricCatalog.help(name)
            let dataPoints = points.map(dataPoint)
            if points.first?.kind == .counter {
                var sum = Opentelemetry_Proto_Metrics_V1_Sum()
                sum.aggregationTemporality = .cumulative
                sum.isMonotonic = true
                sum.dataPoints = dataPoints
                metric.data = .sum(sum)
            } else {
                var gauge = Opentelemetry_Proto_Metrics_V1_Gauge()
                gauge.dataPoints = dataPoints
                metric.data = .gauge(gauge)
            }
            return metric
        }
        var resourceMetrics = Opentelemetry_Proto_Metrics_V1_ResourceMetrics()
        resourceMetrics.resource.attributes = attributes(resource)
        resourceMetrics.scopeMetrics = [scope]
        var request = Request()
        request.resourceMetrics = [resourceMetrics]
        return request
    }

    static func attributes(_ labels: [String: String]) -> [Opentelemetry_Proto_Common_V1_KeyValue] {
        labels.sorted { $0.key < $1.key }.map { key, value in
            var attribute = Opentelemetry_Proto_Common_V1_KeyValue()
            attribute.key = key
            attribute.value.stringValue = value
            return attribute
        }
    }

    private static func dataPoint(_ point: MetricPoint) -> Opentelemetry_Proto_Metrics_V1_NumberDataPoint {
        var dataPoint = Opentelemetry_Proto_Metrics_V1_NumberDataPoint()
        dataPoint.attributes = attributes(point.labels)
        dataPoint.timeUnixNano = point.timestamp.unixNanoseconds
        dataPoint.value = .asDouble(point.value)
        return dataPoint
    }

    /// Prometheus' unit words in UCUM, as OTLP wants them.
    private static func unit(_ unit: String?) -> String {
        switch unit {
        case "bytes": "By"
        case "seconds": "s"
        case "ratio", "1", nil: "1"
        case let other?: other
        }
    }
}
