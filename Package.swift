// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "qlora-tutor",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "QLoRAEngine", targets: ["QLoRAEngine"]),
        .library(name: "TutorLessons", targets: ["TutorLessons"]),
        .library(name: "TutorUI", targets: ["TutorUI"]),
        .executable(name: "qlora-tutor", targets: ["qlora-tutor"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.7.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        .target(name: "CQLoRAKernels", cSettings: [.unsafeFlags(["-O2"])]),
        .target(name: "QLoRAEngine", dependencies: ["CQLoRAKernels"], swiftSettings: [.unsafeFlags(["-O"])]),
        .target(
            name: "TutorLessons",
            dependencies: ["QLoRAEngine", .product(name: "Yams", package: "Yams")],
            plugins: ["EmbedLessons"]
        ),
        .systemLibrary(name: "CNCursesW", pkgConfig: "ncursesw", providers: [.apt(["libncursesw5-dev"]), .brew(["ncurses"])]),
        .target(name: "TutorUI", dependencies: ["TutorLessons", "QLoRAEngine", "CNCursesW"]),
        .executableTarget(name: "embed-lessons"),
        .plugin(name: "EmbedLessons", capability: .buildTool(), dependencies: ["embed-lessons"]),
        .executableTarget(
            name: "qlora-tutor",
            dependencies: [
                "QLoRAEngine",
                "TutorLessons",
                "TutorUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "QLoRAEngineTests", dependencies: ["QLoRAEngine"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TutorUITests", dependencies: ["TutorUI", "TutorLessons"]),
        .testTarget(name: "TutorLessonsTests", dependencies: ["TutorLessons", "QLoRAEngine"]),
        .testTarget(name: "QLoRATutorCLITests", dependencies: ["qlora-tutor", "QLoRAEngine"]),
    ],
    swiftLanguageModes: [.v6]
)
