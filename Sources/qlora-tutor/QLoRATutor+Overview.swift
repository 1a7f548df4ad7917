import Foundation
import TutorLessons

extension QLoRATutor {
    /// Prints the commands and the built-in lessons: what `qlora-tutor` shows without a front end.
    func printOverview() throws {
        let course = try Course.load(Course.files(folder: check.lessonsFolder))
        var lines = [
            "qlora-tutor: learn how QLoRA works by running it.",
            "",
            "Commands:",
            "  qlora-tutor run LESSON[:STEP]   print a lesson's steps and their outputs as plain text",
            "  qlora-tutor --check             check every lesson, block, expectation and quiz",
            "  qlora-tutor --check --answers FILE|DIR...   grade learners' progress files",
            "  qlora-tutor --help              every option",
            "",
            "Lessons:",
        ]
        for lesson in course.lessons {
            lines.append("  \(lesson.id)  \(lesson.title)  (\(lesson.steps.count) steps)")
        }
        print(lines.joined(separator: "\n"))
    }
}
