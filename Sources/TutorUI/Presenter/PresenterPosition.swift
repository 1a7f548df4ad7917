import Foundation

/// Where the projector is, as it publishes it for `--presenter`: the step on the screen, the
/// shared timer, and the expectation lines the audience no longer sees.
public struct PresenterPosition: Equatable, Codable {
    /// One expectation of a live block on the step, as the presenter reads it.
    public struct Check: Equatable, Codable, Sendable {
        /// The expectation as the lesson writes it (`mse < 2e-5`).
        public var text: String
        /// nil until the block has run, and for an `at-default:` expectation read after a tweak; then whether it held.
        public var passed: Bool?
        /// The values it read, formatted (`mse = 1.2e-05`); empty until the block has run.
        public var values: String

        public init(text: String, passed: Bool?, values: String) {
            self.text = text
            self.passed = passed
            self.values = values
        }
    }

    /// The lesson's id (its file name without `.md`) and the step's index, from 0.
    public var lessonID: String
    public var step: Int
    /// False while the projector shows the lesson list (with `lessonID` highlighted).
    public var isInLesson: Bool
    /// Rows of the step below the projector's screen: the next click scrolls instead of stepping.
    public var rowsBelow: Int
    public var timerStart: Date
    public var isBlanked: Bool
    public var checks: [Check]
    /// The projector's process, so a presenter can tell a position left behind by one that quit.
    public var processID: Int32

    public init(lessonID: String, step: Int, isInLesson: Bool, rowsBelow: Int, timerStart: Date, isBlanked: Bool, checks: [Check], processID: Int32) {
        self.lessonID = lessonID
        self.step = step
        self.isInLesson = isInLesson
        self.rowsBelow = rowsBelow
        self.timerStart = timerStart
        self.isBlanked = isBlanked
        self.checks = checks
        self.processID = processID
    }
}

extension PresenterPosition: Sendable {}
