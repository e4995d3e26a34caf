import EOSModel
import Foundation
import Metrics
import Synchronization
import Testing

@testable import EOSTelemetry

@Suite("TelemetryPipeline and the swift-metrics source")
struct PipelineTests {
    struct FixedSource: TelemetrySource {
        let name: String
        let values: [Double]
        func collect(at time: Timestamp) async -> [MetricPoint] {
            values.map { MetricPoint(name: "eos_\(name)", value: $0, timestamp: time) }
        }
    }

    final class Collected: TelemetrySink {
        let points = Mutex([[MetricPoint]]())
        func receive(_ points: [MetricPoint]) async { self.points.withLock { $0.append(points) } }
    }

    @Test("sources in order, processors in turn, every sink the result; run collects at the interval")
    func collectsThroughProcessors() async throws {
        let first = Collected()
        let second = Collected()
        let pipeline = TelemetryPipeline(
            sources: [FixedSource(name: "a", values: [1, 2]), FixedSource(name: "b", values: [3])],
            processors: [LabelStamp(["node": "n1"])], sinks: [first, second], interval: .milliseconds(100))
        let points = await pipeline.collect()
        #expect(points.map(\.name) == ["eos_a", "eos_a", "eos_b"])
        #expect(points.allSatisfy { $0.labels == ["node": "n1"] && $0.timestamp == points[0].timestamp })
        #expect(second.points.withLock { $0 } == [points])

        let running = Task { try await pipeline.run() }
        try await waitUntil { first.points.withLock { $0.count } >= 4 }
        running.cancel()
        _ = await running.result
    }

    @Test("SwiftMetricsSource keeps counters, meters, recorders and timers with safe names")
    func swiftMetrics() async throws {
        let source = SwiftMetricsSource()
        source.makeCounter(label: "eos.margo.denials", dimensions: [("method", "Upstream/Register")])
            .increment(by: 2)
        source.makeCounter(label: "eos.margo.denials", dimensions: [("method", "Upstream/Register")])
            .increment(by: 1)
        source.makeMeter(label: "queue_depth", dimensions: []).set(7.0)
        source.makeRecorder(label: "eos_temperature", dimensions: [], aggregate: false).record(41.5)
        let timer = source.makeTimer(label: "apply", dimensions: [])
        timer.recordNanoseconds(1_500_000_000)
        timer.recordNanoseconds(500_000_000)
        let points = await source.collect(at: .now)
        let byName = Dictionary(uniqueKeysWithValues: points.map { ($0.name, $0) })
        #expect(byName["eos_margo_denials_total"]?.value == 3)
        #expect(byName["eos_margo_denials_total"]?.labels == ["method": "Upstream/Register"])
        #expect(byName["eos_margo_denials_total"]?.kind == .counter)
        #expect(byName["eos_queue_depth"]?.value == 7)
        #expect(byName["eos_temperature"]?.value == 41.5)
        #expect(byName["eos_apply_seconds_total"]?.value == 2)
        #expect(byName["eos_apply_calls_total"]?.value == 2)
    }
}
