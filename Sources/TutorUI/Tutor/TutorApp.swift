import Foundation
import TutorLessons

/// The interactive tutor: the loop that feeds terminal input and worker results to `update`,
/// performs the effects, and draws `TutorView` with the ncurses backend.
public struct TutorApp {
    public var course: Course
    public var store: ProgressStore
    public var runner: any LiveBlockRunning
    public var isProjector: Bool
    public var isLight: Bool
    public var environment: [String: String]
    /// Where the projector publishes its position for `--presenter`; nil for a learner.
    public var link: PresenterLink?

    public init(
        course: Course, store: ProgressStore, runner: any LiveBlockRunning, isProjector: Bool, isLight: Bool, environment: [String: String],
        link: PresenterLink? = nil
    ) {
        self.link = link
        self.course = course
        self.store = store
        self.runner = runner
        self.isProjector = isProjector
        self.isLight = isLight
        self.environment = environment
    }

    /// Runs until the learner quits. Throws `NCursesBackend.Unavailable` before touching the
    /// terminal when it cannot be used, and `InputError` when the progress file cannot be read.
    public func run() throws {
        let (progress, note) = try loadProgress()
        let backend = try NCursesBackend(environment: environment)
        defer { backend.close() }
        let theme = Theme(depth: backend.depth, light: isLight, projector: isProjector)
        var state = TutorState(lessons: course.lessons, progress: progress, width: backend.size.width, height: backend.size.height, theme: theme)
        state.resume()
        state.message = note
        let mailbox = TutorMailbox()
        let link = isProjector ? self.link : nil
        do {
            try link?.openAsProjector()
        } catch {
            state.message = "Presenter link unavailable: \(error.localizedDescription)"
        }
        defer { link?.closeAsProjector() }
        let worker = BlockWorker()
        defer { worker.stop() }
        var published: PresenterPosition?
        var running = true
        while running {
            for event in mailbox.take() { running = perform(state.update(event), state: &state, mailbox: mailbox, worker: worker, backend: backend) && running }
            for command in link?.takeCommands() ?? [] { running = perform(state.perform(command), state: &state, mailbox: mailbox, worker: worker, backend: backend) && running }
            guard running else { break }
            if let link, let position = state.presenterPosition(processID: getpid()), position != published {
                try? link.publish(position)
                published = position
            }
            backend.draw(TutorView(state: state).render())
            let timeout: Int32 = mailbox.hasPendingWork || state.isAnimating ? 40 : link != nil ? PresenterApp.pollInterval : 1000
            let event = backend.nextEvent(timeout: timeout).map(TutorEvent.terminal) ?? .tick
            running = perform(state.update(event), state: &state, mailbox: mailbox, worker: worker, backend: backend)
        }
    }

    private func loadProgress() throws -> (LearnerProgress, String?) {
        let learner = environment["USER"] ?? environment["LOGNAME"] ?? "learner"
        switch try store.load() {
        case .missing: return (LearnerProgress(learner: learner), nil)
        case .loaded(let progress): return (progress, nil)
        case .setAside(let movedTo, let reason):
            return (LearnerProgress(learner: learner), "Progress file unreadable (\(reason)); kept as \(movedTo.lastPathComponent).")
        }
    }

    /// Carries out effects; false when the learner quit.
    private func perform(
        _ effects: [TutorEffect], state: inout TutorState, mailbox: TutorMailbox, worker: BlockWorker, backend: NCursesBackend
    ) -> Bool {
        for effect in effects {
            switch effect {
            case .quit:
                return false
            case .redraw:
                backend.invalidate()
            case .saveProgress:
                do {
                    try store.save(state.progress)
                } catch {
                    state.message = "Could not save progress: \(error)"
                }
            case .cancel(let token):
                mailbox.cancel(token)
            case .run(let token, let lessonIndex, let blockID, let tweaks):
                guard state.lessons.indices.contains(lessonIndex),
                    let block = state.lessons[lessonIndex].liveBlocks.first(where: { $0.id == blockID })
                else { continue }
                startRun(
                    block, tweaks: tweaks, reading: state.lessons[lessonIndex].resultsReadByQuizzes(of: blockID), token: token,
                    mailbox: mailbox, worker: worker)
            case .judge(let lessonIndex, let quizID, let answer):
                guard state.lessons.indices.contains(lessonIndex),
                    let quiz = state.lessons[lessonIndex].quizzes.first(where: { $0.id == quizID })
                else { continue }
                startJudging(quiz, in: state.lessons[lessonIndex], lessonIndex: lessonIndex, answer: answer, mailbox: mailbox, worker: worker)
            case .reveal(let lessonIndex, let quizID):
                guard state.lessons.indices.contains(lessonIndex),
                    let quiz = state.lessons[lessonIndex].quizzes.first(where: { $0.id == quizID })
                else { continue }
                startRevealing(quiz, in: state.lessons[lessonIndex], lessonIndex: lessonIndex, mailbox: mailbox, worker: worker)
            }
        }
        return true
    }

    private func startRun(
        _ block: LiveBlock, tweaks: [String: ParameterValue], reading quizResults: Set<String>, token: Int, mailbox: TutorMailbox,
        worker: BlockWorker
    ) {
        let runner = self.runner
        mailbox.begin(token: token)
        worker.submit {
            defer { mailbox.end(token: token) }
            // A newer run of the block replaced this one while it waited its turn.
            guard !mailbox.isCancelled(token) else { return }
            do {
                let run = try runner.run(
                    block, tweaks: tweaks, reading: quizResults,
                    progress: { mailbox.post(.runProgress(token: token, outputs: $0), token: token) },
                    isCancelled: { mailbox.isCancelled(token) })
                mailbox.post(.runFinished(token: token, run), token: token)
            } catch is CancellationError {
                // Stopped as asked: the state marked the run stopped when it asked.
            } catch {
                mailbox.post(.runFailed(token: token, message: "\(error)"), token: token)
            }
        }
    }

    private func startJudging(_ quiz: Quiz, in lesson: Lesson, lessonIndex: Int, answer: String, mailbox: TutorMailbox, worker: BlockWorker) {
        let runner = self.runner
        mailbox.begin()
        worker.submit {
            defer { mailbox.end() }
            let value = try? runner.computedAnswer(to: quiz, in: lesson)
            mailbox.post(.answerJudged(
                lessonIndex: lessonIndex, quizID: quiz.id, answer: answer, isCorrect: quiz.isCorrect(answer, computedValue: value),
                engineValue: value))
        }
    }

    private func startRevealing(_ quiz: Quiz, in lesson: Lesson, lessonIndex: Int, mailbox: TutorMailbox, worker: BlockWorker) {
        let runner = self.runner
        mailbox.begin()
        worker.submit {
            defer { mailbox.end() }
            guard let value = try? runner.computedAnswer(to: quiz, in: lesson) else { return }
            mailbox.post(.answerRevealed(lessonIndex: lessonIndex, quizID: quiz.id, engineValue: value))
        }
    }
}
