/// The right answer to a quiz.
public enum QuizAnswer: Equatable {
    /// A number; an answer within `tolerance` of it is right.
    case number(Double, tolerance: Double)
    /// One of the quiz's choices, compared ignoring case and surrounding spaces.
    case choice(String)
    /// A number the engine computes: `expression` over the results of live block `block`
    /// run with its parameters as written; an answer within `tolerance` of it is right.
    case computed(block: String, expression: Expression, text: String, tolerance: Double)
}

extension QuizAnswer: Sendable {}
