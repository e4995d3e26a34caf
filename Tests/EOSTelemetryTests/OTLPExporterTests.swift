import EOSModel
import EOSTesting
import Foundation
import Testing

@testable import EOSTelemetry

/// What the exporter sends, decoded by the OpenTelemetry protocol's own classes in a separate process.
@Suite(
    "OTLPExporter against a real OTLP decoder",
    .enabled(
        if: OTLPTestReceiver.available || OTLPTestReceiver.required, "\(OTLPTestReceiver.unavailableReason ?? "")"),
    .timeLimit(.minutes(2)))
struct OTLPExporterTests {
    @Test("gauges and counters arrive as OTLP gauges and monotonic cumulative sums, with their labels and times")
    func exportsDecodableMetrics() async throws {
        try await OTLPTestReceiver.with { receiver in
            let exporter = OTLPExporter(
                configuration: .init(
                    endpoint: receiver.endpoint, resource: ["service.name": "eos-central"], maximumBatchSize: 2))
            let running = Task { try await exporter.run() }
            defer { running.cancel() }
            let time = Timestamp(Date(timeIntervalSince1970: 1_800_000_000.25))
            await exporter.receive(
                TelemetryBatch(
                    sourceID: "site-a", sequence: 1,
                    points: [
                        MetricPoint(
                            name: "eos_host_memory_total_bytes", labels: ["node": "n1"], value: 2048, timestamp: time,
                            unit: "bytes"),
                        MetricPoint(
                            name: "eos_host_network_receive_bytes_total", labels: ["node": "n1", "device": "eth0"],
                            value: 10, timestamp: time, unit: "bytes", kind: .counter),
                        MetricPoint(
                            name: "eos_host_cpu_utilization_ratio", value: 0.25, timestamp: time, unit: "ratio"),
                    ]), from: .site, id: "site-a")
            try await eventually("three points decoded", within: 30) { try await receiver.metrics().count == 3 }
            let points = try await receiver.metrics()
            let memory = try #require(points.first { $0.metric == "eos_host_memory_total_bytes" })
            #expect(memory.type == .gauge)
            #expect(memory.unit == "By")
            #expect(memory.value == 2048)
            #expect(memory.attributes["site"] == "site-a")
            #expect(memory.attributes["node"] == "n1")
            #expect(memory.resource["service.name"] == "eos-central")
            #expect(memory.scope == "eos")
            #expect(memory.timeUnixNano == 1_800_000_000_250_000_000)
            let received = try #require(points.first { $0.metric == "eos_host_network_receive_bytes_total" })
            #expect(received.type == .sum)
            #expect(received.monotonic == true)
            #expect(received.temporality == "AGGREGATION_TEMPORALITY_CUMULATIVE")
            #expect(received.attributes["device"] == "eth0")
            let ratio = try #require(points.first { $0.metric == "eos_host_cpu_utilization_ratio" })
            #expect(ratio.unit == "1")
            #expect(ratio.attributes["node"] == nil)
            #expect(exporter.statistics.exported == 3)
        }
    }

    @Test("a collector that is down loses nothing the queue holds: the export is tried again until it lands")
    func retriesUntilTheCollectorAnswers() async throws {
        let exporter = OTLPExporter(configuration: .init(endpoint: URL(string: "http://127.0.0.1:9")!))
        let running = Task { try await exporter.run() }
        defer { running.cancel() }
        await exporter.receive([MetricPoint(name: "eos_x", value: 1, timestamp: .now)])
        try await eventually("a failed attempt", within: 30) { exporter.statistics.failedRequests >= 1 }
        #expect(exporter.statistics.exported == 0)
        #expect(exporter.statistics.dropped == 0)
    }
}
