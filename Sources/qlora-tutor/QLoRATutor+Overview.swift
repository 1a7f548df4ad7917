import Foundation
import TutorLessons

extension QLoRATutor {
    /// Prints the commands and the built-in lessons: what `qlora-tutor` shows without a front end.
    func printOverview() throws {
        let course = try Course.load(Course.files(folder: check.lessonsFolder))
        var lines = ["qlora-tutor: learn how QLoRA works by running it.", "", "Commands:"]
        for command in Self.configuration.subcommands {
            let name = command.configuration.commandName ?? ""
            lines.append("  qlora-tutor \(name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(command.configuration.abstract)")
        }
        lines += [
            "  qlora-tutor --check      Check every lesson, live block, expectation and quiz.",
            "  qlora-tutor --check --answers FILE|DIR...   Grade learners' progress files.",
            "  qlora-tutor --help       Every option.",
            "",
            "Lessons:",
        ]
        for lesson in course.lessons {
            lines.append("  \(lesson.id)  \(lesson.title)  (\(lesson.steps.count) steps)")
        }
        print(lines.joined(separator: "\n"))
    }
}
