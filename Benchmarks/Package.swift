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
        // The same gRPC versions the main package pins, for the server and client types the benchmarks hold.
        .package(url: "https://github.com/grpc/grpc-swift-2.git", exact: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", exact: "2.9.2"),
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
        ),
        .executableTarget(
            name: "MargoThroughput",
            dependencies: [
                .product(name: "EOSMargo", package: "main"),
                .product(name: "EOSSecurity", package: "main"),
                .product(name: "EOSModel", package: "main"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCInProcessTransport", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/MargoThroughput",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Not an ordo-one benchmark: it measures another process, `eosd node`, over a minute. Run it through
        // Benchmarks/edge-footprint.sh.
        .executableTarget(
            name: "EdgeFootprint",
            dependencies: [
                .product(name: "EOSKit", package: "main"),
                .product(name: "EOSTesting", package: "main"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            ],
            path: "Footprint/EdgeFootprint"
        ),
    ],
    swiftLanguageModes: [.v6]
)
