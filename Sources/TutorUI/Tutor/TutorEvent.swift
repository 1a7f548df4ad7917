import TutorLessons

/// Everything that can change the tutor's state.
public enum TutorEvent: Equatable {
    /// A key, a mouse action or a resize.
    case terminal(TerminalEvent)
    /// Time passed (the projector's timer).
    case tick
    /// A running block reported outputs so far (a loss curve growing).
    case runProgress(token: Int, outputs: [Output])
    case runFinished(token: Int, LiveRun)
    case runFailed(token: Int, message: String)
    /// A quiz whose answer the engine computes was judged off the UI thread; `engineValue` is the
    /// engine's answer, which a prediction shows beside the learner's.
    case answerJudged(lessonIndex: Int, quizID: String, answer: String, isCorrect: Bool, engineValue: Double? = nil)
    /// The engine's answer to a prediction answered in an earlier session, computed off the UI thread.
    case answerRevealed(lessonIndex: Int, quizID: String, engineValue: Double)
}

/// Work the state asks the outside world to do; `update` itself never does any.
public enum TutorEffect: Equatable {
    /// Write the progress file (atomically).
    case saveProgress
    /// Run a live block off the UI thread and report back with `token`.
    case run(token: Int, lessonIndex: Int, blockID: String, tweaks: [String: ParameterValue])
    /// Stop the run with this token, if it can be stopped; its results are ignored either way.
    case cancel(token: Int)
    /// Judge an answer whose right value the engine computes.
    case judge(lessonIndex: Int, quizID: String, answer: String)
    /// Compute the engine's answer to a prediction the learner answered before, to show beside it.
    case reveal(lessonIndex: Int, quizID: String)
    /// Repaint every cell.
    case redraw
    case quit
}

extension TutorEvent: Sendable {}
extension TutorEffect: Sendable {}
