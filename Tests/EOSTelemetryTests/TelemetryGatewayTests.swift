import EOSModel
import Foundation
import Testing

@testable import EOSTelemetry

@Suite("TelemetryGateway: the central's store of the fleet's telemetry")
struct TelemetryGatewayTests {
    static func at(_ seconds: Double) -> Timestamp { Timestamp(Date(timeIntervalSince1970: 1_800_000_000 + seconds)) }

    static func batch(_ sequence: UInt64, dropped: UInt64 = 0, _ points: [MetricPoint]) -> TelemetryBatch {
        TelemetryBatch(sourceID: "x", sequence: sequence, droppedCount: dropped, points: points)
    }

    static func memory(_ node: String?, _ value: Double, at seconds: Double, site: String? = nil) -> MetricPoint {
        var labels: [String: String] = [:]
        labels["node"] = node
        labels["site"] = site
        return MetricPoint(
            name: "eos_host_memory_total_bytes", labels: labels, value: value, timestamp: at(seconds), unit: "bytes")
    }

    @Test("a site's samples are filed under its nodes and its LO by the caller's identity, not the site label")
    func filesByIdentity() async throws {
        let gateway = TelemetryGateway()
        await gateway.receive(
            Self.batch(
                1, dropped: 4,
                [
                    Self.memory("n1", 100, at: 0, site: "forged"), Self.memory("n2", 50, at: 1),
                    Self.memory(nil, 10, at: 0),
                ]), from: .site, id: "s1")
        let n1 = try #require(gateway.nodeMetrics("n1"))
        #expect(n1.site == "s1")
        #expect(n1.series.map(\.name) == ["eos_host_memory_total_bytes"])
        #expect(n1.series[0].labels.isEmpty)
        #expect(n1.series[0].latest?.value == 100)
        #expect(n1.series[0].unit == "bytes")

        let site = try #require(gateway.siteMetrics("s1"))
        #expect(site.nodes == ["n1", "n2"])
        #expect(site.droppedSamples == 4)
        #expect(site.localOrchestrator.first?.latest?.value == 10)
        #expect(site.series.first?.latest?.value == 150)
        #expect(gateway.siteMetrics("forged") == nil)
        #expect(gateway.nodeMetrics("nobody") == nil)

        // A directly attached node is filed under itself, whatever its labels say.
        await gateway.receive(Self.batch(1, [Self.memory("n1", 7, at: 0, site: "s1")]), from: .node, id: "direct")
        #expect(gateway.nodeMetrics("direct")?.site == nil)
        #expect(gateway.nodeMetrics("direct")?.series.first?.latest?.value == 7)
        #expect(gateway.nodeMetrics("n1")?.series.first?.latest?.value == 100)
    }

    @Test("late samples land in their place, a repeated moment replaces, and history is bounded")
    func historyOrder() async throws {
        let gateway = TelemetryGateway(configuration: .init(historyLength: 4))
        await gateway.receive(
            Self.batch(1, [Self.memory("n1", 1, at: 0), Self.memory("n1", 4, at: 30)]), from: .site, id: "s")
        await gateway.receive(
            Self.batch(2, [Self.memory("n1", 2, at: 10), Self.memory("n1", 3, at: 20)]), from: .site, id: "s")
        await gateway.receive(Self.batch(2, [Self.memory("n1", 3, at: 20)]), from: .site, id: "s")
        var samples = try #require(gateway.nodeMetrics("n1")?.series.first?.samples)
        #expect(samples.map(\.value) == [1, 2, 3, 4])
        await gateway.receive(Self.batch(3, [Self.memory("n1", 5, at: 40)]), from: .site, id: "s")
        samples = try #require(gateway.nodeMetrics("n1")?.series.first?.samples)
        #expect(samples.map(\.value) == [2, 3, 4, 5])
        #expect(gateway.nodeMetrics("n1", since: Self.at(25))?.series.first?.samples.map(\.value) == [4, 5])
        #expect(gateway.nodeMetrics("n1", names: ["other"])?.series.isEmpty == true)
    }

    @Test("names are made Prometheus-safe, non-finite values and series beyond the limit are refused")
    func refusals() async throws {
        let gateway = TelemetryGateway(configuration: .init(maximumSeriesPerSource: 2))
        let points = [
            MetricPoint(
                name: "requests.count", labels: ["node": "n1", "http-code": "200"], value: 1, timestamp: Self.at(0)),
            MetricPoint(name: "eos_nan", labels: ["node": "n1"], value: .nan, timestamp: Self.at(0)),
            MetricPoint(name: "eos_b", labels: ["node": "n1"], value: 1, timestamp: Self.at(0)),
            MetricPoint(name: "eos_c", labels: ["node": "n1"], value: 1, timestamp: Self.at(0)),
        ]
        await gateway.receive(Self.batch(1, points), from: .site, id: "s")
        let series = try #require(gateway.nodeMetrics("n1")?.series)
        #expect(series.map(\.name) == ["eos_b", "eos_requests_count"])
        #expect(series[1].labels == ["http_code": "200"])
        #expect(gateway.statistics.refused == 2)
        #expect(gateway.statistics.samples == 2)
    }

    @Test("the Prometheus exposition labels every series with its site and node and counts drops")
    func exposition() async throws {
        let gateway = TelemetryGateway()
        await gateway.receive(
            Self.batch(
                1, dropped: 3,
                [
                    Self.memory("n1", 100, at: 0),
                    MetricPoint(
                        name: "eos_host_network_receive_bytes_total", labels: ["node": "n1", "device": "eth\"0"],
                        value: 5, timestamp: Self.at(0), kind: .counter),
                ]), from: .site, id: "s1")
        await gateway.receive(Self.batch(1, [Self.memory(nil, 1.5, at: 0)]), from: .node, id: "d1")
        let text = gateway.prometheusExposition(excluding: ["eos_host_load1"])
        let milliseconds = Self.at(0).unixMilliseconds
        #expect(text.contains("# TYPE eos_host_memory_total_bytes gauge\n"))
        #expect(text.contains("eos_host_memory_total_bytes{site=\"s1\",node=\"n1\"} 100 \(milliseconds)\n"))
        #expect(text.contains("eos_host_memory_total_bytes{node=\"d1\"} 1.5 \(milliseconds)\n"))
        #expect(text.contains("# TYPE eos_host_network_receive_bytes_total counter\n"))
        #expect(text.contains("eos_host_network_receive_bytes_total{site=\"s1\",node=\"n1\",device=\"eth\\\"0\"} 5"))
        #expect(text.contains("eos_telemetry_dropped_samples_total{site=\"s1\"} 3\n"))
        #expect(text.contains("eos_telemetry_dropped_samples_total{node=\"d1\"} 0\n"))
        #expect(text.components(separatedBy: "# HELP eos_host_memory_total_bytes").count == 2)
        let excluded = gateway.prometheusExposition(excluding: ["eos_host_memory_total_bytes"])
        #expect(!excluded.contains("eos_host_memory_total_bytes"))
    }
}
