import Foundation

/// A learner's place in one lesson and their answers to its quizzes.
public struct LessonProgress: Equatable, Codable {
    /// The index of the step the learner last looked at, from 0.
    public var currentStep: Int
    /// The index of the furthest step the learner has reached, from 0: paging back keeps it. Files
    /// written before it was kept lack it, and `currentStep` stands in.
    public var furthestStep: Int?
    /// The learner's answers by quiz id.
    public var quizzes: [String: QuizAttempt]
    /// When the learner last moved in this lesson or answered one of its quizzes.
    public var updated: Date

    public init(currentStep: Int = 0, furthestStep: Int? = nil, quizzes: [String: QuizAttempt] = [:], updated: Date = Date()) {
        self.currentStep = currentStep
        self.furthestStep = furthestStep
        self.quizzes = quizzes
        self.updated = updated
    }

    /// The furthest step reached: the one recorded, or the current one when that is further.
    public var reachedStep: Int { max(currentStep, furthestStep ?? 0) }
}

extension LessonProgress: Sendable {}
