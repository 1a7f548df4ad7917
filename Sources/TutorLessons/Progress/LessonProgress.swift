import Foundation

/// A learner's place in one lesson and their answers to its quizzes.
public struct LessonProgress: Equatable, Codable {
    /// The index of the step the learner last looked at, from 0.
    public var currentStep: Int
    /// The learner's answers by quiz id.
    public var quizzes: [String: QuizAttempt]
    /// When the learner last moved in this lesson or answered one of its quizzes.
    public var updated: Date

    public init(currentStep: Int = 0, quizzes: [String: QuizAttempt] = [:], updated: Date = Date()) {
        self.currentStep = currentStep
        self.quizzes = quizzes
        self.updated = updated
    }
}

extension LessonProgress: Sendable {}
