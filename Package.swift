// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "influence",
    products: [
        .library(name: "InfluenceModel", targets: ["InfluenceModel"]),
        .executable(name: "influence", targets: ["influence"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(
            name: "InfluenceModel",
            dependencies: ["CBLAS", "CZlib"],
            swiftSettings: [.define("INFLUENCE_INTERNAL_CHECKS", .when(configuration: .debug))]
        ),
        .executableTarget(
            name: "influence",
            dependencies: [
                "InfluenceModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "InfluenceBenchmarks",
            dependencies: ["InfluenceModel"],
            path: "Benchmarks/Sources/InfluenceBenchmarks"
        ),
        .testTarget(
            name: "InfluenceModelTests",
            dependencies: ["InfluenceModel"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "influenceTests",
            dependencies: ["influence"]
        ),
    ]
)
