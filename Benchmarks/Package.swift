// swift-tools-version: 6.1
import PackageDescription

// The benchmarks live in their own package so that `swift test` and CI never build them.
let package = Package(
    name: "qlora-tutor-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "qlora-tutor", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "QLoRABenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "QLoRAEngine", package: "qlora-tutor"),
                .product(name: "TutorLessons", package: "qlora-tutor"),
                .product(name: "TutorUI", package: "qlora-tutor"),
            ],
            path: "Benchmarks/QLoRABenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
