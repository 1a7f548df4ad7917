// swift-tools-version: 6.0
import PackageDescription

// libFuzzer targets for every reader of untrusted files. They live in their own package so that
// `swift build`, `swift test` and CI never build them; `Fuzz/run` builds them with
// `-sanitize=fuzzer,address` and runs each for a given time.
let fuzzTargets = [
    "FuzzMarkdown", "FuzzLessonBlock", "FuzzExpression", "FuzzNumpy", "FuzzSafetensors", "FuzzProgress",
    "FuzzLlamaConfig", "FuzzPeftAdapter",
]

let package = Package(
    name: "qlora-tutor-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "qlora-tutor", path: ".."),
    ],
    targets: [
        .target(name: "LibFuzzer", path: "Targets/LibFuzzer"),
        .target(name: "FuzzDriver", dependencies: ["LibFuzzer"], path: "Targets/FuzzDriver"),
        .target(
            name: "FuzzTinyLlama", dependencies: [.product(name: "QLoRAEngine", package: "qlora-tutor")],
            path: "Targets/FuzzTinyLlama"),
    ] + fuzzTargets.map { name in
        .executableTarget(
            name: name,
            dependencies: [
                "FuzzDriver",
                "FuzzTinyLlama",
                .product(name: "QLoRAEngine", package: "qlora-tutor"),
                .product(name: "TutorLessons", package: "qlora-tutor"),
            ],
            path: "Targets/\(name)"
        )
    }
)
