import Benchmark
import EOSModel

/// Parsing and validating FleetDeployment documents at the sizes real fleets post.
///
/// Targets: a 1,000-workload spec in under 50 ms; a 10 MB multi-document stream in under 1 s with peak memory
/// under ten times the input.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .peakMemoryResident, .mallocCountTotal],
        maxDuration: .seconds(10),
        maxIterations: 50
    )

    let largeSpec = GeneratedDocuments.fleet(named: "large-spec", workloads: 1_000)
    Benchmark("FleetDeployment 1000 workloads (\(largeSpec.utf8.count / 1024) KiB)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try FleetDeployment(yaml: largeSpec))
        }
    }

    let stream = GeneratedDocuments.stream(targetBytes: 10 * 1024 * 1024)
    Benchmark(
        "FleetDeployment stream \(stream.utf8.count / (1024 * 1024)) MiB",
        configuration: .init(maxIterations: 5)
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try FleetDeployment.decodeAll(yaml: stream))
        }
    }

    Benchmark(
        "DocumentLoader stream \(stream.utf8.count / (1024 * 1024)) MiB",
        configuration: .init(maxIterations: 5)
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(DocumentLoader.load(stream))
        }
    }
}
