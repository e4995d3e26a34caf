import Benchmark
import EOSModel
import EOSTelemetry
import Foundation

/// The central's telemetry history at fleet scale: 10,000 nodes each sending the 11 host series of an Edge Node
/// agent, 60 times (the history full, at the default budget of 3,000,000 samples), through one
/// ``TelemetryGateway``.
///
/// Reports the bytes the packed history takes (`history bytes`, the gateway's own count, also served as
/// `eos_telemetry_history_bytes`), the process's peak resident memory, and the time to file the 6.6 million samples.
/// The target for the whole central at 10,000 nodes is under 200 MB.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .peakMemoryResident, .custom("history bytes"), .custom("samples a series")],
        maxDuration: .seconds(120),
        maxIterations: 1
    )

    Benchmark("10,000 nodes × 11 host series × 60 batches") { benchmark in
        let gateway = TelemetryGateway()
        let nodes = 10_000
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var generator = SystemRandomNumberGenerator()
        var counters = [Double](repeating: 1e9, count: nodes)
        benchmark.startMeasurement()
        for round in 0..<60 {
            for site in 0..<100 {
                var points: [MetricPoint] = []
                for index in 0..<100 {
                    let node = site * 100 + index
                    // The agents' collections, a few milliseconds off their 15-second beat.
                    let time = Timestamp(
                        start.addingTimeInterval(
                            Double(round) * 15 + Double(node % 1000) / 100
                                + Double(Int.random(in: -20...20, using: &generator)) / 1000))
                    counters[node] += Double(Int.random(in: 0..<200_000, using: &generator))
                    let labels = ["node": "site-\(site)-node-\(index)"]
                    let readings: [(String, Double)] = [
                        ("eos_host_cpu_cores", 4),
                        ("eos_host_cpu_utilization_ratio", Double.random(in: 0..<1, using: &generator)),
                        ("eos_host_load1", Double(Int.random(in: 0..<400, using: &generator)) / 100),
                        ("eos_host_memory_total_bytes", 8_263_245_824),
                        ("eos_host_memory_available_bytes", Double(6_000_000_000 + Int.random(in: 0..<1 << 24) * 4096)),
                        ("eos_host_filesystem_size_bytes", 62_725_623_808),
                        ("eos_host_filesystem_free_bytes", Double(40_000_000_000 - round * 4096 * 12)),
                        ("eos_host_network_receive_bytes_total", counters[node]),
                        ("eos_host_network_transmit_bytes_total", counters[node] / 3),
                        ("eos_workload_cpu_seconds_total", Double(round) * 0.21),
                        ("eos_workload_memory_bytes", 12_582_912),
                    ]
                    for (name, value) in readings {
                        points.append(MetricPoint(name: name, labels: labels, value: value, timestamp: time))
                    }
                }
                await gateway.receive(
                    TelemetryBatch(sourceID: "site-\(site)", sequence: UInt64(round), droppedCount: 0, points: points),
                    from: .site, id: "site-\(site)")
            }
        }
        benchmark.stopMeasurement()
        benchmark.measurement(.custom("history bytes"), gateway.statistics.historyBytes)
        benchmark.measurement(.custom("samples a series"), gateway.historyLength)
        blackHole(gateway)
    }
}
