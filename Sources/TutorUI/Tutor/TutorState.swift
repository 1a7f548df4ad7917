import Foundation
import TutorLessons

/// Everything the tutor shows, as a value: `update` changes it, `TutorView` draws it.
public struct TutorState: Equatable {
    /// Which screen is up.
    public enum Page: Equatable, Sendable {
        case browser
        case lesson
    }

    public var lessons: [Lesson]
    public var progress: LearnerProgress
    public var page: Page = .browser
    /// The lesson highlighted in the browser, and the one open on the lesson page.
    public var lessonIndex = 0
    public var stepIndex = 0
    /// Rows scrolled down in the step.
    public var scroll = 0
    /// The index, in the step's blocks, of the live block or quiz keys act on.
    public var focusedBlock: Int?
    /// Latest run per live block id.
    public var runs: [String: BlockRun] = [:]
    /// The learner's parameter changes per live block id.
    public var tweaks: [String: [String: ParameterValue]] = [:]
    /// The tweak that `+`/`-` change, per live block id.
    public var selectedTweak: [String: Int] = [:]
    /// What the learner has typed so far, per quiz key (`lesson/quiz`).
    public var answerDrafts: [String: String] = [:]
    /// How many hints are showing, per quiz key.
    public var hintsShown: [String: Int] = [:]
    /// The engine's answer to each prediction quiz, per quiz key, once it is known.
    public var engineAnswers: [String: Double] = [:]
    /// Whether keys go into the focused quiz's answer.
    public var isEditingAnswer = false
    public var showsHelp = false
    /// Colours and mode; layout depends on it (half blocks, block letters), so the state keeps it.
    public var theme: Theme
    /// Teacher mode: one step per screen, presenter keys, timer.
    public var isProjector: Bool { theme.isProjector }
    public var isBlanked = false
    /// The number typed after `g` in projector mode, while jumping to a lesson.
    public var jumpInput: String?
    public var timerStart: Date
    public var now: Date
    /// When each live block's finished curve started drawing itself in, by block id: a run that
    /// ends before the first frame would otherwise show no motion at all.
    public var revealStarted: [String: Date] = [:]
    /// When each live block's latest run began, by block id.
    public var runStarted: [String: Date] = [:]
    /// A one-line note in the status bar (a save that failed, a file set aside).
    public var message: String?
    public var width: Int
    public var height: Int
    private(set) var nextToken = 1

    public init(lessons: [Lesson], progress: LearnerProgress, width: Int, height: Int, theme: Theme, now: Date = Date()) {
        self.lessons = lessons
        self.progress = progress
        self.width = width
        self.height = height
        self.theme = theme
        self.now = now
        timerStart = now
    }

    /// The lesson open (or highlighted), if there is one.
    public var lesson: Lesson? { lessons.indices.contains(lessonIndex) ? lessons[lessonIndex] : nil }

    /// The step open.
    public var step: Step? {
        guard let lesson, lesson.steps.indices.contains(stepIndex) else { return nil }
        return lesson.steps[stepIndex]
    }

    /// Indices of the step's blocks that take keys: live blocks and quizzes.
    public var interactiveBlocks: [Int] {
        guard let step else { return [] }
        return step.blocks.indices.filter { if case .markdown = step.blocks[$0] { false } else { true } }
    }

    /// The focused live block, if the focus is on one.
    public var focusedLiveBlock: LiveBlock? {
        guard let step, let index = focusedBlock, step.blocks.indices.contains(index), case .live(let block) = step.blocks[index] else { return nil }
        return block
    }

    /// The focused quiz, if the focus is on one.
    public var focusedQuiz: Quiz? {
        guard let step, let index = focusedBlock, step.blocks.indices.contains(index), case .quiz(let quiz) = step.blocks[index] else { return nil }
        return quiz
    }

    /// The key of a quiz in drafts and hints: quiz ids are unique only within a lesson.
    public func quizKey(_ quiz: Quiz, lessonIndex: Int? = nil) -> String {
        let index = lessonIndex ?? self.lessonIndex
        return (lessons.indices.contains(index) ? lessons[index].id : "") + "/" + quiz.id
    }

    /// The learner's saved attempt at a quiz of the open lesson.
    public func attempt(_ quiz: Quiz) -> QuizAttempt? {
        lesson.flatMap { progress.lessons[$0.id]?.quizzes[quiz.id] }
    }

    /// The lesson list's rows, progress included.
    public var lessonEntries: [LessonList.Entry] {
        lessons.map { lesson in
            let saved = progress.lessons[lesson.id]
            let right = lesson.quizzes.filter { saved?.quizzes[$0.id]?.verdict == .correct }.count
            return LessonList.Entry(
                title: lesson.title,
                stepsSeen: saved.map { max(0, min(lesson.steps.count - 1, $0.reachedStep) + 1) } ?? 0, stepCount: lesson.steps.count,
                quizzesRight: right, quizCount: lesson.quizzes.count)
        }
    }

    /// How long a finished loss curve takes to draw itself in.
    static let revealDuration: TimeInterval = 1.2

    /// How far a block's curve has drawn itself in, 0...1; nil once it is whole.
    public func revealFraction(of blockID: String) -> Double? {
        guard let started = revealStarted[blockID] else { return nil }
        let fraction = now.timeIntervalSince(started) / Self.revealDuration
        return fraction < 1 ? max(0, fraction) : nil
    }

    /// Whether something on screen is moving, so the loop should draw again soon.
    public var isAnimating: Bool { revealStarted.keys.contains { revealFraction(of: $0) != nil } }

    /// Overall progress for the lesson list's header: lessons finished, quizzes answered right.
    public var courseProgress: (lessonsDone: Int, quizzesRight: Int, quizCount: Int) {
        let entries = lessonEntries
        return (entries.filter { $0.mark == "✓" }.count, entries.reduce(0) { $0 + $1.quizzesRight }, entries.reduce(0) { $0 + $1.quizCount })
    }

    /// A token for a new run.
    mutating func takeToken() -> Int {
        defer { nextToken += 1 }
        return nextToken
    }
}

extension TutorState: Sendable {}
