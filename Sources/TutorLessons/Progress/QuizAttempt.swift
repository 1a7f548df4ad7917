import Foundation

/// A learner's latest answer to one quiz.
public struct QuizAttempt: Equatable, Codable {
    /// What the learner answered, as they typed it or the choice they picked.
    public var answer: String
    /// What the tutor told the learner at the time. Informational only: graders judge `answer` again.
    public var verdict: Verdict?
    /// How many answers the learner gave, this one included.
    public var attempts: Int
    /// When the learner gave this answer.
    public var answeredAt: Date

    /// Whether an answer was right.
    public enum Verdict: String, Equatable, Codable, Sendable {
        case correct, wrong
    }

    public init(answer: String, verdict: Verdict? = nil, attempts: Int = 1, answeredAt: Date = Date()) {
        self.answer = answer
        self.verdict = verdict
        self.attempts = attempts
        self.answeredAt = answeredAt
    }
}

extension QuizAttempt: Sendable {}
