// swift-tools-version:6.1
import Foundation
import PackageDescription

// CI sets INFLUENCE_STRICT=1: every warning is then an error.
let strict: [SwiftSetting] = ProcessInfo.processInfo.environment["INFLUENCE_STRICT"] == "1" ? [.unsafeFlags(["-warnings-as-errors"])] : []

let package = Package(
    name: "influence",
    products: [
        .library(name: "InfluenceModel", targets: ["InfluenceModel"]),
        .library(name: "InfluenceReport", targets: ["InfluenceReport"]),
        .executable(name: "influence", targets: ["influence"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // gzip exports are inflated whole, in memory: libdeflate does that at twice zlib's speed.
        .systemLibrary(
            name: "CDeflate",
            pkgConfig: "libdeflate",
            providers: [.apt(["libdeflate-dev"])]
        ),
        // What Swift does not expose: a prefetch hint (the reverse-reachable sets of IMM are
        // bound by cache misses on the graph, and prefetching overlaps them), and SSE2's byte
        // mask, with which the CSV reader finds a line's delimiters 64 bytes at a time.
        .target(name: "CPrefetch"),
        .target(
            name: "InfluenceModel",
            dependencies: ["CBLAS", "CDeflate", "CPrefetch"],
            swiftSettings: [.define("INFLUENCE_INTERNAL_CHECKS", .when(configuration: .debug))] + strict
        ),
        .target(
            name: "InfluenceReport",
            dependencies: ["InfluenceModel"],
            swiftSettings: strict
        ),
        // The PySpark job, embedded as text in the binary (`influence spark`).
        .target(
            name: "SparkJob",
            path: "Spark",
            resources: [.embedInCode("influence_spark.py")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "influence",
            dependencies: [
                "InfluenceModel",
                "InfluenceReport",
                "SparkJob",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "InfluenceBenchmarks",
            dependencies: ["InfluenceModel"],
            path: "Benchmarks/Sources/InfluenceBenchmarks",
            swiftSettings: strict
        ),
        .testTarget(
            name: "InfluenceModelTests",
            dependencies: ["InfluenceModel", "CDeflate"],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "InfluenceReportTests",
            dependencies: ["InfluenceReport", "InfluenceModel"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "influenceTests",
            dependencies: ["influence"],
            swiftSettings: strict
        ),
    ]
)
