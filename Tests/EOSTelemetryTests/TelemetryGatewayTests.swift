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
        let text = await gateway.prometheusExposition(excluding: ["eos_host_load1"])
        let milliseconds = Self.at(0).unixMilliseconds
        #expect(text.contains("# TYPE eos_host_memory_total_bytes gauge\n"))
        #expect(text.contains("eos_host_memory_total_bytes{site=\"s1\",node=\"n1\"} 100 \(milliseconds)\n"))
        #expect(text.contains("eos_host_memory_total_bytes{node=\"d1\"} 1.5 \(milliseconds)\n"))
        #expect(text.contains("# TYPE eos_host_network_receive_bytes_total counter\n"))
        #expect(text.contains("eos_host_network_receive_bytes_total{site=\"s1\",node=\"n1\",device=\"eth\\\"0\"} 5"))
        #expect(text.contains("eos_telemetry_dropped_samples_total{site=\"s1\"} 3\n"))
        #expect(text.contains("eos_telemetry_dropped_samples_total{node=\"d1\"} 0\n"))
        #expect(text.components(separatedBy: "# HELP eos_host_memory_total_bytes").count == 2)
        let excluded = await gateway.prometheusExposition(excluding: ["eos_host_memory_total_bytes"])
        #expect(!excluded.contains("eos_host_memory_total_bytes"))
    }

    @Test("the fleet's series share a budget of samples: more series, a shorter history each, never under two")
    func historyBudget() async throws {
        let gateway = TelemetryGateway(configuration: .init(historyLength: 50, maximumSamples: 100))
        for second in 0..<60 {
            await gateway.receive(Self.batch(1, [Self.memory("n0", 1, at: Double(second))]), from: .site, id: "s")
        }
        #expect(gateway.nodeMetrics("n0")?.series.first?.samples.count == 50, "alone, the series keeps its length")
        #expect(gateway.statistics.series == 1 && gateway.historyLength == 50)
        for node in 1..<10 {
            await gateway.receive(Self.batch(1, [Self.memory("n\(node)", 1, at: 0)]), from: .site, id: "s")
        }
        #expect(gateway.statistics.series == 10 && gateway.historyLength == 10)
        await gateway.receive(Self.batch(2, [Self.memory("n0", 2, at: 60)]), from: .site, id: "s")
        let samples = try #require(gateway.nodeMetrics("n0")?.series.first?.samples)
        #expect(samples.count == 10, "ten series share 100 samples")
        #expect(samples.last?.value == 2)
        for node in 10..<100 {
            await gateway.receive(Self.batch(1, [Self.memory("n\(node)", 1, at: 0)]), from: .site, id: "s")
        }
        #expect(gateway.historyLength == 2, "never fewer than two, so a rate can still be read")
    }

    @Test("the exposition is written in pieces, each family's series together, the gateway's own families once")
    func exposedInPieces() async throws {
        let gateway = TelemetryGateway()
        // More nodes than the gateway exposes under one lock, each with two families.
        for node in 0..<300 {
            let name = String(format: "n%03d", node)
            await gateway.receive(
                Self.batch(
                    1,
                    [
                        Self.memory(name, Double(node), at: 0),
                        MetricPoint(
                            name: "eos_host_load1", labels: ["node": name], value: 0.5, timestamp: Self.at(0)),
                        MetricPoint(
                            name: "eos_telemetry_batches_received_total", labels: ["node": name], value: 1,
                            timestamp: Self.at(0), kind: .counter),
                    ]), from: .site, id: "s")
        }
        var pieces: [[UInt8]] = []
        await gateway.writePrometheusExposition(pieceSize: 1024) { pieces.append($0) }
        #expect(pieces.count >= 4, "a piece per family and lock")
        let text = String(decoding: pieces.joined(), as: UTF8.self)
        #expect(text == (await gateway.prometheusExposition()))
        let lines = text.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("# TYPE ") }.count == 7)
        #expect(
            lines.filter { $0.hasPrefix("eos_telemetry_batches_received_total") } == [
                "eos_telemetry_batches_received_total 300"
            ])
        let load = lines.indices.filter { lines[$0].hasPrefix("eos_host_load1{") }
        let memory = lines.indices.filter { lines[$0].hasPrefix("eos_host_memory_total_bytes{") }
        #expect(load.count == 300 && memory.count == 300)
        #expect(load.last! - load.first! == 299 && memory.last! - memory.first! == 299, "each family in one run")
        #expect(
            lines[memory[7]] == "eos_host_memory_total_bytes{site=\"s\",node=\"n007\"} 7 \(Self.at(0).unixMilliseconds)"
        )
    }

    @Test("with the budget full, the history's bytes stop growing, however long the fleet reports")
    func boundedBytes() async throws {
        let nodes = 100
        let names = (0..<11).map { "eos_series_\($0)" }
        let values = SeriesHistoryTests.hostSeries(120)
        func fill(_ gateway: TelemetryGateway, rounds: Range<Int>) async {
            for round in rounds {
                for node in 0..<nodes {
                    let points = names.map { name in
                        MetricPoint(
                            name: name, labels: ["node": "n\(node)"], value: values[round].value,
                            timestamp: values[round].timestamp)
                    }
                    await gateway.receive(Self.batch(UInt64(round), points), from: .site, id: "s")
                }
            }
        }
        let bounded = TelemetryGateway(configuration: .init(maximumSamples: 11_000))
        let unbounded = TelemetryGateway()
        await fill(bounded, rounds: 0..<60)
        let halfway = bounded.statistics.historyBytes
        await fill(bounded, rounds: 60..<120)
        await fill(unbounded, rounds: 0..<120)
        let bytes = bounded.statistics.historyBytes
        let series = bounded.statistics.series
        #expect(series == 1_100 && bounded.historyLength == 10)
        let kept = try #require(bounded.nodeMetrics("n7")?.series)
        #expect(kept.allSatisfy { $0.samples == Array(values.suffix(10)) })
        #expect(bytes <= halfway, "\(bytes) bytes after 120 rounds, \(halfway) after 60")
        // At most 12 samples (ten, and two of a block of four beyond them) of at most 8 bytes, a header and a whole
        // first sample for each of four blocks, and room to grow of 32 bytes.
        #expect(bytes < series * (12 * 8 + 4 * 19 + 32), "\(bytes) bytes for \(series) series")
        #expect(unbounded.statistics.historyBytes > 3 * bytes)
    }
}
