import ArgumentParser
import Foundation
import TutorLessons
import TutorUI

extension QLoRATutor {
    /// Starts the terminal tutor; without a terminal it says what to use instead.
    func runTutor() throws {
        let environment = ProcessInfo.processInfo.environment
        let course = try Course.load(Course.files(folder: check.lessonsFolder))
        let defaultProgress = ProgressStore.defaultURL(environment: environment)
        let store = ProgressStore(url: tutor.progress.map { URL(fileURLWithPath: $0) } ?? defaultProgress)
        // Projector and presenter meet in the state directory, whichever progress file each keeps.
        let link = PresenterLink(folder: PresenterLink.defaultFolder(progressURL: defaultProgress))
        do {
            if tutor.presenter {
                try PresenterApp(course: course, link: link, isLight: tutor.light, environment: environment).run()
            } else {
                try TutorApp(
                    course: course, store: store, runner: LessonRunner(), isProjector: tutor.projector, isLight: tutor.light,
                    environment: environment, link: link
                ).run()
            }
        } catch NCursesBackend.Unavailable.notATerminal {
            FileHandle.standardError.write(Data("qlora-tutor: the tutor needs a terminal; use `qlora-tutor run LESSON` to print a lesson, or `qlora-tutor --check` to check the course\n".utf8))
            throw ExitCode(2)
        } catch NCursesBackend.Unavailable.noCapableTerminal(let term) {
            // TERM=dumb or no terminfo entry: say why, then plain text instead of a full-screen tutor.
            let reason = term.isEmpty ? "TERM is not set" : "TERM=\(term) cannot draw it"
            FileHandle.standardError.write(Data("qlora-tutor: the full-screen tutor needs a capable terminal (\(reason)); here is what runs without one\n".utf8))
            try printOverview()
        }
    }
}
