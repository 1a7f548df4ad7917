import ArgumentParser
import Foundation
import TutorLessons
import TutorUI

extension QLoRATutor {
    /// Starts the terminal tutor; without a terminal it says what to use instead.
    func runTutor() throws {
        let environment = ProcessInfo.processInfo.environment
        let course = try Course.load(Course.files(folder: check.lessonsFolder))
        let store = ProgressStore(url: tutor.progress.map { URL(fileURLWithPath: $0) } ?? ProgressStore.defaultURL(environment: environment))
        let app = TutorApp(course: course, store: store, runner: LessonRunner(), isProjector: tutor.projector, isLight: tutor.light, environment: environment)
        do {
            try app.run()
        } catch NCursesBackend.Unavailable.notATerminal {
            FileHandle.standardError.write(Data("qlora-tutor: the tutor needs a terminal; use `qlora-tutor run LESSON` to print a lesson, or `qlora-tutor --check` to check the course\n".utf8))
            throw ExitCode(2)
        } catch NCursesBackend.Unavailable.noCapableTerminal {
            // TERM=dumb or no terminfo entry: plain text instead of a full-screen tutor.
            try printOverview()
        }
    }
}
