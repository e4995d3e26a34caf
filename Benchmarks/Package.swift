// swift-tools-version: 6.2
import PackageDescription

// EOS's benchmarks live in their own package so the main build and test run never compile the benchmark harness.
// Run them with: swift package --package-path Benchmarks benchmark
let package = Package(
    name: "EOSBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "DocumentParsing",
            dependencies: [
                .product(name: "EOSModel", package: "main"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/DocumentParsing",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ],
    swiftLanguageModes: [.v6]
)
