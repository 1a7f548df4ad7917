/// What `--check` found: one suite per lesson (or per learner), one case per expectation or quiz.
///
/// The text, JSON and JUnit XML forms are in `CheckReport+Text.swift`, `+JSON` and `+JUnit`;
/// the JSON shape is documented in `Lessons/README.md`.
public struct CheckReport: Equatable {
    /// What was checked.
    public enum Mode: String, Equatable, Sendable {
        /// The course itself: lessons parse, blocks run, expectations hold, quizzes are well formed.
        case course
        /// Learners' progress files, each quiz answer judged again.
        case answers
    }

    /// What was checked: the course or learners' answers.
    public var mode: Mode
    /// One suite per lesson, or per learner, in the order they were given.
    public var suites: [CheckSuite]

    public init(mode: Mode, suites: [CheckSuite]) {
        self.mode = mode
        self.suites = suites
    }

    /// Cases that passed.
    public var passed: Int { suites.reduce(0) { $0 + $1.passed } }
    /// Cases that failed plus suites that could not be checked at all.
    public var failed: Int { suites.reduce(0) { $0 + $1.failed + ($1.error == nil ? 0 : 1) } }
    /// Suites that could not be checked: a lesson that does not parse, a learner file that cannot be read.
    public var errors: Int { suites.filter { $0.error != nil }.count }

    /// 0 when everything passed, 1 when a check or answer failed, 2 when some input could not be used.
    public var exitStatus: Int32 {
        if errors > 0 { return 2 }
        return failed > 0 ? 1 : 0
    }

    /// The last line of every text report.
    public var summaryLine: String { "\(passed) passed, \(failed) failed" }
}

/// The checks of one lesson, or the graded answers of one learner.
public struct CheckSuite: Equatable {
    /// The lesson id, or the learner's name.
    public var name: String
    /// The lesson file, or the progress file.
    public var source: String
    /// Every check of the lesson, or every graded answer of the learner, in course order.
    public var cases: [CheckCase]
    /// Why the suite could not be checked, as `file:line: message`; nil when it was.
    public var error: String?
    /// For a learner: quizzes answered right and quizzes in the course.
    public var score: Score?

    /// A learner's score.
    public struct Score: Equatable, Sendable {
        /// Quizzes answered right.
        public var correct: Int
        /// Quizzes in the course.
        public var total: Int
        /// `correct / total`, 0 for a course without quizzes.
        public var fraction: Double { total == 0 ? 0 : Double(correct) / Double(total) }
    }

    public init(name: String, source: String, cases: [CheckCase] = [], error: String? = nil, score: Score? = nil) {
        self.name = name
        self.source = source
        self.cases = cases
        self.error = error
        self.score = score
    }

    /// Cases that passed.
    public var passed: Int { cases.filter(\.passed).count }
    /// Cases that failed.
    public var failed: Int { cases.filter { !$0.passed }.count }
}

/// One check: an expectation, a live block that must run, a quiz, or a learner's answer.
public struct CheckCase: Equatable {
    /// What kind of thing was checked.
    public enum Kind: String, Equatable, Sendable {
        /// A live block ran without an engine error.
        case block
        /// An `expect:` line held.
        case expectation
        /// A block ran, and its plain expectations held, at a value one of its tweaks offers (the
        /// tweak sweep); a block's last such case sums up what was swept.
        case tweak
        /// A quiz is well formed and its computed answer was computed.
        case quiz
        /// A learner's answer to a quiz was right.
        case answer
        /// A learner's file names a lesson or quiz the course does not have.
        case unknownQuiz = "unknown-quiz"
    }

    /// What kind of thing was checked.
    public var kind: Kind
    /// A short name: `block-id: mse < 1e-4`, `quiz nf4-levels`.
    public var name: String
    /// `file:line` of what was checked.
    public var source: String
    /// Whether the check held.
    public var passed: Bool
    /// What was found: the values an expectation read, the learner's answer and the right one.
    public var message: String

    public init(kind: Kind, name: String, source: String, passed: Bool, message: String) {
        self.kind = kind
        self.name = name
        self.source = source
        self.passed = passed
        self.message = message
    }
}

extension CheckReport: Sendable {}
extension CheckSuite: Sendable {}
extension CheckCase: Sendable {}
