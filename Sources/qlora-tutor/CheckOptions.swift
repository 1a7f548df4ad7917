import ArgumentParser
import Foundation
import QLoRAEngine
import TutorLessons

/// `--check [--lessons DIR] [--answers FILE|DIR ...] [--format text|json|junit] [--output FILE]`.
struct CheckOptions: ParsableArguments {
    /// The report formats `--format` takes.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, junit
    }

    @Flag(name: .customLong("check"), help: "Check the course (every lesson, block, expectation, quiz) or, with --answers, grade learners.")
    var check = false

    @Option(name: .customLong("lessons"), help: ArgumentHelp("Use the lesson files in this folder instead of the built-in course.", valueName: "dir"))
    var lessonsFolder: String?

    @Option(name: .customLong("answers"), parsing: .upToNextOption, help: ArgumentHelp("Grade these progress files (or every *.json in these folders).", valueName: "file|dir"))
    var answers: [String] = []

    @Option(help: "Report format: text, json or junit.")
    var format: Format = .text

    @Option(help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"))
    var output: String?

    /// Refuses an `--output` that can never be written before any lesson runs: an empty path, a
    /// folder, or a file in a folder that does not exist.
    func checkOutput() throws {
        guard let output else { return }
        guard !output.isEmpty else { throw InputError("--output", "expected a file path, got an empty one") }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: output, isDirectory: &isDirectory), isDirectory.boolValue {
            throw InputError("--output \(output)", "is a folder; expected a file path for the report")
        }
        let parent = URL(fileURLWithPath: output).deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InputError("--output \(output)", "is in a folder that does not exist; expected a file path in an existing folder")
        }
    }

    /// Refuses an `--output` that would overwrite one of the learners' progress files being graded.
    func checkOutputIsNoProgressFile(of progressFiles: [String]) throws {
        guard let output else { return }
        let target = resolvedPath(output)
        if progressFiles.contains(where: { resolvedPath($0) == target }) {
            throw InputError("--output \(output)", "is one of the progress files being graded; expected another file for the report")
        }
    }

    /// Rejects grading options given without `--check`.
    func validateUnused() throws {
        if !answers.isEmpty || output != nil || format != .text {
            throw ValidationError("--answers, --format and --output go with --check")
        }
    }

    /// Checks or grades, prints the report, and exits 0, 1 or 2 as the report says.
    func run() throws {
        try checkOutput()
        let files = try Course.files(folder: lessonsFolder)
        let report: CheckReport
        if answers.isEmpty {
            report = CourseChecker().check(files)
        } else {
            let progressFiles = try AnswerGrader.progressFiles(answers)
            try checkOutputIsNoProgressFile(of: progressFiles)
            let course = try Course.load(files)
            report = AnswerGrader(course: course).grade(files: progressFiles)
        }
        let data: Data
        switch format {
        case .text: data = Data(report.text.utf8)
        case .json: data = report.json + Data("\n".utf8)
        case .junit: data = Data(report.junitXML.utf8)
        }
        if let output {
            do {
                try data.write(to: URL(fileURLWithPath: output), options: .atomic)
            } catch {
                throw InputError("--output \(output)", "cannot write the report there; expected a file path in a writable folder")
            }
            print(report.summaryLine)
        } else {
            FileHandle.standardOutput.write(data)
        }
        if report.exitStatus != 0 {
            throw ExitCode(report.exitStatus)
        }
    }
}
