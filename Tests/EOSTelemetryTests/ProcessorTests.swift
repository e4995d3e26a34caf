import EOSModel
import Foundation
import Testing

@testable import EOSTelemetry

@Suite("Telemetry processors: stamping, downsampling and site rollups")
struct ProcessorTests {
    static func at(_ seconds: Double) -> Timestamp { Timestamp(Date(timeIntervalSince1970: 1_800_000_000 + seconds)) }

    static func point(
        _ name: String, _ value: Double, at seconds: Double, _ labels: [String: String] = [:]
    )
        -> MetricPoint
    {
        MetricPoint(name: name, labels: labels, value: value, timestamp: at(seconds))
    }

    @Test("LabelStamp sets its labels over whatever a source wrote")
    func labelStamp() {
        let stamped = LabelStamp(["node": "n1"]).process([Self.point("m", 1, at: 0, ["node": "other", "k": "v"])])
        #expect(stamped[0].labels == ["node": "n1", "k": "v"])
    }

    @Test("Downsampler keeps the first sample of each series in each clock-aligned window")
    func downsampler() {
        let thinning = Downsampler(window: .seconds(10))
        let first = thinning.process([
            Self.point("a", 1, at: 0), Self.point("a", 2, at: 5), Self.point("b", 3, at: 5),
            Self.point("a", 4, at: 10),
        ])
        #expect(first.map(\.value) == [1, 3, 4])
        // The same window on a later call stays thinned; the next window passes.
        #expect(thinning.process([Self.point("a", 5, at: 19), Self.point("a", 6, at: 21)]).map(\.value) == [6])
    }

    @Test("SiteMetricsRollup sums over nodes per window, averages ratios, and keeps each node's latest sample")
    func siteRollup() {
        let rollup = SiteMetricsRollup(window: .seconds(15))
        let rolled = rollup.process([
            Self.point("eos_host_memory_total_bytes", 100, at: 1, ["node": "n1"]),
            Self.point("eos_host_memory_total_bytes", 50, at: 2, ["node": "n2"]),
            Self.point("eos_host_cpu_utilization_ratio", 0.2, at: 1, ["node": "n1"]),
            Self.point("eos_host_cpu_utilization_ratio", 0.5, at: 3, ["node": "n1"]),
            Self.point("eos_host_cpu_utilization_ratio", 0.1, at: 4, ["node": "n2"]),
            Self.point("eos_host_memory_total_bytes", 70, at: 16, ["node": "n2"]),
            Self.point("eos_host_load1", 9, at: 1),
        ])
        #expect(rolled.count == 4)
        #expect(rolled[0].name == "eos_host_load1")
        let byWindow = rolled.dropFirst().map { ($0.name, $0.value, $0.timestamp, $0.labels) }
        #expect(byWindow[0].0 == "eos_host_cpu_utilization_ratio")
        #expect(abs(byWindow[0].1 - 0.3) < 1e-9)
        #expect(byWindow[0].2 == Self.at(0))
        #expect(byWindow[0].3.isEmpty)
        #expect(byWindow[1].0 == "eos_host_memory_total_bytes")
        #expect(byWindow[1].1 == 150)
        #expect(byWindow[2].1 == 70)
        #expect(byWindow[2].2 == Self.at(15))
    }
}
