// swift-tools-version: 6.2
import PackageDescription

/// Compiler settings every EOS target shares: Swift 6 language mode (complete concurrency checking), warnings as
/// errors, and the upcoming features that make dependencies explicit.
let strictSettings: [SwiftSetting] = [
    .treatAllWarnings(as: .error),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// How `eosd` is linked on Linux, by lld:
/// - its relative relocations packed (`DT_RELR`, read by glibc 2.36 and later): the loader reads about 200 KB of
///   relocations at each start instead of 2.8 MB, and those pages no longer sit in every tier's resident memory;
/// - the code its tiers run laid out together, first an edge node's, then a site's, the central's and a dev fleet's:
///   `Sources/EOSDaemons/eosd.order` orders their functions, and `eosd.ld` places the compiler's helpers among them
///   that have no symbol of their own (both written by `scripts/generate-link-order.sh`). A tier so maps a few
///   megabytes of code instead of pages all over the binary's 43 MB;
/// - none of its symbols exported: nothing in EOS looks them up, and the loader's tables of them (9 MB in the file
///   for the whole Swift runtime and Foundation) kept 4.7 MiB resident in every tier.
/// Debug builds link the same way, so the tests run what hosts run.
let daemonLinkerSettings: [LinkerSetting] = [
    .unsafeFlags(
        [
            "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--no-export-dynamic",
            "-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/Sources/EOSDaemons/eosd.order",
            "-Xlinker", "--no-warn-symbol-ordering", "-Xlinker", "-T",
            "-Xlinker", "\(Context.packageDirectory)/Sources/EOSDaemons/eosd.ld",
        ],
        .when(platforms: [.linux]))
]

let package = Package(
    name: "EOS",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "EOSKit", targets: ["EOSKit"]),
        .library(name: "EOSModel", targets: ["EOSModel"]),
        .library(name: "EOSSecurity", targets: ["EOSSecurity"]),
        .library(name: "EOSMargo", targets: ["EOSMargo"]),
        .library(name: "EOSRuntime", targets: ["EOSRuntime"]),
        .library(name: "EOSTelemetry", targets: ["EOSTelemetry"]),
        .library(name: "EOSEdge", targets: ["EOSEdge"]),
        .library(name: "EOSSite", targets: ["EOSSite"]),
        .library(name: "EOSTesting", targets: ["EOSTesting"]),
        .executable(name: "eosctl", targets: ["eosctl"]),
        .executable(name: "eosd", targets: ["eosd"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-certificates.git", exact: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-asn1.git", exact: "1.7.4"),
        .package(url: "https://github.com/apple/swift-protobuf.git", exact: "1.39.0"),
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", exact: "1.46.0"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", exact: "1.0.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", exact: "2.37.6"),
        .package(url: "https://github.com/grpc/grpc-swift-2.git", exact: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", exact: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", exact: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1", traits: []),
        .package(url: "https://github.com/GraphQLSwift/Graphiti.git", exact: "3.1.0"),
        .package(url: "https://github.com/GraphQLSwift/GraphQL.git", exact: "4.3.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", exact: "1.37.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", exact: "5.8.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", exact: "1.7.3"),
        .package(url: "https://github.com/apple/swift-service-context.git", exact: "1.5.1"),
        .package(url: "https://github.com/swift-otel/swift-otel.git", exact: "1.6.0", traits: ["OTLPHTTP"]),
    ],
    targets: [
        .target(
            name: "EOSModel",
            dependencies: [.product(name: "Yams", package: "Yams")],
            path: "Sources/EOSKit/Model",
            swiftSettings: strictSettings
        ),
        .target(
            name: "EOSSecurity",
            dependencies: [
                "EOSModel",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/EOSKit/Security",
            swiftSettings: strictSettings
        ),
        .target(
            name: "EOSMargo",
            dependencies: [
                "EOSModel",
                "EOSSecurity",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCInProcessTransport", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "ServiceContextModule", package: "swift-service-context"),
            ],
            path: "Sources/EOSKit/Margo",
            swiftSettings: strictSettings
        ),
        .target(
            name: "EOSRuntime",
            dependencies: [
                "EOSModel",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/EOSKit/Runtime",
            swiftSettings: strictSettings
        ),
        .target(
            name: "EOSTelemetry",
            dependencies: [
                "EOSModel",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Sources/EOSKit/Telemetry",
            swiftSettings: strictSettings
        ),
        .target(
            name: "EOSEdge",
            dependencies: [
                "EOSModel", "EOSSecurity", "EOSMargo", "EOSRuntime", "EOSTelemetry",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceContextModule", package: "swift-service-context"),
            ],
            path: "Sources/EOSKit/Edge",
            swiftSettings: strictSettings
        ),
        .target(
            name: "EOSSite",
            dependencies: [
                "EOSModel", "EOSSecurity", "EOSMargo", "EOSTelemetry",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceContextModule", package: "swift-service-context"),
            ],
            path: "Sources/EOSKit/Site",
            swiftSettings: strictSettings
        ),
        .target(
            name: "EOSCentral",
            dependencies: [
                "EOSModel", "EOSSecurity", "EOSMargo", "EOSSite", "EOSTelemetry",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Graphiti", package: "Graphiti"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GraphQL", package: "GraphQL"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceContextModule", package: "swift-service-context"),
            ],
            path: "Sources/EOSKit/Central",
            resources: [.copy("Portal/Web")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "EOSKit",
            dependencies: [
                "EOSModel", "EOSSecurity", "EOSMargo", "EOSRuntime", "EOSTelemetry", "EOSEdge", "EOSSite",
                "EOSCentral",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/EOSKit/Kit",
            swiftSettings: strictSettings
        ),
        .target(
            name: "EOSTesting",
            dependencies: [
                "EOSKit",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            ],
            path: "Sources/EOSKit/Testing",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "eosctl",
            dependencies: [
                "EOSKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
            ],
            path: "Sources/eosctl",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "eosd",
            dependencies: [
                "EOSKit",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            path: "Sources/EOSDaemons",
            exclude: ["eosd.order", "eosd.ld"],
            swiftSettings: strictSettings,
            linkerSettings: daemonLinkerSettings
        ),
        // Programs that import EOSKit, as an embedder writes them; built with the package so they stay true.
        .executableTarget(
            name: "site-controller",
            dependencies: ["EOSKit", .product(name: "GRPCCore", package: "grpc-swift-2")],
            path: "Examples/Embedding/SiteController",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "allow-list-node",
            dependencies: [
                "EOSKit",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Examples/Embedding/AllowListRuntime",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "gateway",
            dependencies: [
                "EOSKit",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Examples/Embedding/EmbeddedAgent",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "EOSModelTests",
            dependencies: ["EOSModel", "EOSTesting"],
            path: "Tests/EOSModelTests",
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "EOSCentralTests",
            dependencies: [
                "EOSCentral", "EOSModel", "EOSKit", "EOSTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Tests/EOSCentralTests",
            exclude: ["Browser"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "EOSSecurityTests",
            dependencies: ["EOSSecurity", "EOSTesting", .product(name: "Crypto", package: "swift-crypto")],
            path: "Tests/EOSSecurityTests",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "EOSMargoTests",
            dependencies: [
                "EOSMargo", "EOSSecurity", "EOSModel", "EOSTesting",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCInProcessTransport", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "Tests/EOSMargoTests",
            exclude: ["Interop"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "EOSTelemetryTests",
            dependencies: [
                "EOSTelemetry", "EOSModel", "EOSTesting", .product(name: "Metrics", package: "swift-metrics"),
            ],
            path: "Tests/EOSTelemetryTests",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "EOSRuntimeTests",
            dependencies: ["EOSRuntime", "EOSModel", "EOSTesting"],
            path: "Tests/EOSRuntimeTests",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "EOSEdgeTests",
            dependencies: [
                "EOSEdge", "EOSRuntime", "EOSMargo", "EOSSecurity", "EOSModel", "EOSTesting", "EOSTelemetry",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCInProcessTransport", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Tests/EOSEdgeTests",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "EOSSiteTests",
            dependencies: [
                "EOSSite", "EOSEdge", "EOSRuntime", "EOSMargo", "EOSSecurity", "EOSModel", "EOSTesting",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Tests/EOSSiteTests",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "eosctlTests",
            dependencies: ["eosctl", "EOSKit", "EOSTesting"],
            path: "Tests/eosctlTests",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "eosdTests",
            dependencies: [
                "eosd", "eosctl", "EOSKit", "EOSTesting",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            ],
            path: "Tests/eosdTests",
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
