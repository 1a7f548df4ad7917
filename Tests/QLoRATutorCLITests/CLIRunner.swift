import Foundation

/// Runs the built `qlora-tutor` binary and captures what it prints.
enum CLIRunner {
    /// What one run printed and how it ended.
    struct Result {
        var standardOutput: String
        var standardError: String
        var status: Int32
    }

    /// The `qlora-tutor` executable in the build folder that holds the test bundle: the main
    /// bundle's folder on Linux, the `.xctest` bundle's parent on macOS.
    static let executable: URL? = {
        let candidates = ([Bundle.main] + Bundle.allBundles).flatMap { bundle in
            [bundle.bundleURL, bundle.bundleURL.deletingLastPathComponent()]
        }
        return candidates.map { $0.appendingPathComponent("qlora-tutor") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    /// Runs `qlora-tutor` with `arguments` and waits for it to finish.
    static func run(_ arguments: [String]) throws -> Result {
        guard let executable else { throw CocoaError(.fileNoSuchFile) }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            standardOutput: String(decoding: outputData, as: UTF8.self),
            standardError: String(decoding: errorData, as: UTF8.self), status: process.terminationStatus)
    }
}
