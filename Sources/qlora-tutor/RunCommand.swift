import ArgumentParser
import QLoRAEngine
import TutorLessons

/// `qlora-tutor run LESSON[:STEP]`: a lesson's steps with their outputs, as plain text.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Print a lesson's steps and the outputs of its live blocks as plain text.",
        discussion: "LESSON is a lesson id or a unique prefix of one (`01`); STEP counts from 1. With --lessons DIR the lesson comes from that folder."
    )

    /// The root command, whose `--lessons` picks the folder.
    @ParentCommand var root: QLoRATutor

    @Argument(help: ArgumentHelp("The lesson, optionally with one step.", valueName: "lesson[:step]"))
    var target: String

    @Option(name: .customLong("set"), help: ArgumentHelp("Tweak a parameter in every printed block that offers it, as a learner would.", valueName: "name=value"))
    var settings: [String] = []

    /// The widths `--width` takes: narrower cannot hold a table, wider only pads lines with spaces.
    static let widths = 20...1000

    // Unconditional, so `--width -1` is read as a width (and refused) rather than as a flag.
    @Option(parsing: .unconditional, help: "The widest a printed line may be (20 to 1000).")
    var width: Int = 80

    func run() throws {
        guard Self.widths.contains(width) else {
            throw InputError("--width", "expected a width from \(Self.widths.lowerBound) to \(Self.widths.upperBound) columns, got \(width)")
        }
        let parts = target.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let course = try Course.load(Course.files(folder: root.check.lessonsFolder))
        let lesson = try course.lesson(named: parts.first ?? target)
        var steps: Range<Int>?
        if parts.count == 2 {
            guard let step = Int(parts[1]), (1...lesson.steps.count).contains(step) else {
                throw InputError(target, "expected a step from 1 to \(lesson.steps.count) after `:`")
            }
            steps = (step - 1)..<step
        }
        let tweaks = try parseSettings(offeredBy: lesson, steps: steps ?? lesson.steps.indices)
        let text = PlainTextRenderer(width: width).render(lesson, steps: steps, tweaks: tweaks, runner: LessonRunner())
        print(text, terminator: "")
    }

    /// The `--set name=value` tweaks, each offered by at least one block in the printed steps.
    private func parseSettings(offeredBy lesson: Lesson, steps: Range<Int>) throws -> [String: ParameterValue] {
        let blocks = lesson.steps[steps].flatMap(\.blocks).compactMap { block -> LiveBlock? in
            if case .live(let live) = block { live } else { nil }
        }
        var tweaks: [String: ParameterValue] = [:]
        for setting in settings {
            let parts = setting.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw InputError("--set \(setting)", "expected name=value, such as type=fp4")
            }
            let offering = blocks.compactMap { $0.tweaks.first { $0.parameter == parts[0] } }
            guard !offering.isEmpty else {
                let offered = Set(blocks.flatMap { $0.tweaks.map(\.parameter) }).sorted().joined(separator: ", ")
                throw InputError("--set \(setting)", "no printed block offers `\(parts[0])`; expected one of \(offered.isEmpty ? "(none)" : offered)")
            }
            let value: ParameterValue = Double(parts[1]).map { $0.isFinite ? .number($0) : .word(parts[1]) } ?? .word(parts[1])
            guard offering.contains(where: { $0.allowed.contains(value) }) else {
                throw InputError("--set \(setting)", "expected \(offering.map(\.allowed.description).joined(separator: "; or "))")
            }
            tweaks[parts[0]] = value
        }
        return tweaks
    }
}
