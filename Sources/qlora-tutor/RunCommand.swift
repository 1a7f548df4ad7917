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

    @Option(help: "The widest a printed line may be.")
    var width: Int = 80

    func run() throws {
        let parts = target.split(separator: ":", maxSplits: 1).map(String.init)
        let course = try Course.load(Course.files(folder: root.check.lessonsFolder))
        let lesson = try course.lesson(named: parts.first ?? target)
        var steps: Range<Int>?
        if parts.count == 2 {
            guard let step = Int(parts[1]), (1...lesson.steps.count).contains(step) else {
                throw InputError(target, "expected a step from 1 to \(lesson.steps.count) after `:`")
            }
            steps = (step - 1)..<step
        }
        let text = PlainTextRenderer(width: width).render(lesson, steps: steps, runner: LessonRunner())
        print(text, terminator: "")
    }
}
