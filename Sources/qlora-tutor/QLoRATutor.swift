import ArgumentParser
import Foundation
import QLoRAEngine

/// The `qlora-tutor` command: the tutorial's front ends and the engine's tools.
@main
struct QLoRATutor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qlora-tutor",
        abstract: "Learn how QLoRA works by running it.",
        version: QLoRATutor.version,
        subcommands: [RunCommand.self, QuantizeCommand.self, InspectCommand.self, MemoryCommand.self, TrainCommand.self, LMCommand.self]
    )

    /// What `--version` prints.
    static let version = "qlora-tutor 0.9.0"

    // Grading: `--check` and the options that go with it.
    @OptionGroup(title: "Checking the course and grading answers")
    var check: CheckOptions

    // The terminal tutor: `--projector`, `--light`, `--progress`.
    @OptionGroup(title: "The terminal tutor")
    var tutor: TutorOptions

    mutating func run() async throws {
        if check.check {
            try check.run()
            return
        }
        try check.validateUnused()
        try runTutor()
    }

    /// Runs the command and maps every failure to the project's exit statuses:
    /// 0 success, 1 a check that failed, 2 input that could not be used.
    static func main() async {
        CrashReportSettings.apply()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as InputError {
            printError(error.description)
            Foundation.exit(2)
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                printError(message(for: error))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }

    /// Prints one line to standard error; what came from a file or a flag (a tensor named `w\nx`, a
    /// `--model` ending in a newline) has its control characters escaped, so it stays one line.
    private static func printError(_ line: String) {
        FileHandle.standardError.write(Data("qlora-tutor: \(line.escapingControlCharacters)\n".utf8))
    }
}
