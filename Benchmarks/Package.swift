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
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "4.5.2"),
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
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/MargoThroughput",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "TelemetryHistory",
            dependencies: [
                .product(name: "EOSTelemetry", package: "main"),
                .product(name: "EOSModel", package: "main"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/TelemetryHistory",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "TokenVerification",
            dependencies: [
                .product(name: "EOSSecurity", package: "main"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/TokenVerification",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Not ordo-one benchmarks: they measure another process, an `eosd` tier. Run them through
        // Benchmarks/edge-footprint.sh, Benchmarks/site-scale.sh and
        // Benchmarks/central-scale.sh.
        .target(
            name: "DaemonMeasurement",
            dependencies: [
                .product(name: "EOSKit", package: "main"),
                .product(name: "EOSTesting", package: "main"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Footprint/DaemonMeasurement"
        ),
        .executableTarget(
            name: "EdgeFootprint",
            dependencies: [
                "DaemonMeasurement",
                .product(name: "EOSKit", package: "main"),
                .product(name: "EOSTesting", package: "main"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            ],
            path: "Footprint/EdgeFootprint"
        ),
        .executableTarget(
            name: "BareStreams",
            dependencies: [
                "DaemonMeasurement",
                .product(name: "EOSKit", package: "main"),
                .product(name: "EOSTesting", package: "main"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            ],
            path: "Footprint/BareStreams"
        ),
        .executableTarget(
            name: "SiteScale",
            dependencies: [
                "DaemonMeasurement",
                .product(name: "EOSKit", package: "main"),
                .product(name: "EOSTesting", package: "main"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Footprint/SiteScale"
        ),
        .executableTarget(
            name: "CentralScale",
            dependencies: [
                "DaemonMeasurement",
                .product(name: "EOSKit", package: "main"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Footprint/CentralScale"
        ),
    ],
    swiftLanguageModes: [.v6]
)
