// swift-tools-version: 6.2
import PackageDescription

/// Compiler settings every EOS target shares: Swift 6 language mode (complete concurrency checking), warnings as
/// errors, and the upcoming features that make dependencies explicit.
let strictSettings: [SwiftSetting] = [
    .treatAllWarnings(as: .error),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "EOS",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "EOSKit", targets: ["EOSKit"]),
        .library(name: "EOSModel", targets: ["EOSModel"]),
        .executable(name: "eosctl", targets: ["eosctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
    ],
    targets: [
        .target(
            name: "EOSModel",
            dependencies: [.product(name: "Yams", package: "Yams")],
            path: "Sources/EOSKit/Model",
            swiftSettings: strictSettings
        ),
        .target(
            name: "EOSKit",
            dependencies: ["EOSModel"],
            path: "Sources/EOSKit/Kit",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "eosctl",
            dependencies: [
                "EOSKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/eosctl",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "EOSModelTests",
            dependencies: ["EOSModel"],
            path: "Tests/EOSModelTests",
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "eosctlTests",
            dependencies: ["eosctl"],
            path: "Tests/eosctlTests",
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
