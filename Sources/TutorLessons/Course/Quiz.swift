/// A fenced `qlora-quiz` block: a question, its answer, and hints to show after a wrong try.
public struct Quiz: Equatable {
    /// Unique within its lesson; the progress file keys the learner's answer by it.
    public var id: String
    /// The line of the opening fence.
    public var line: Int
    /// The question, in Markdown inline text (`ask:`).
    public var question: [MarkdownInline]
    /// The choices to pick from, for a multiple-choice quiz (`choices:`); empty otherwise.
    public var choices: [String]
    /// How an answer is judged (`answer:`).
    public var answer: QuizAnswer
    /// Hints in the order to show them (`hint:` or `hints:`).
    public var hints: [String]
    /// Why the answer is right, shown once the learner has it (`explain:`); empty when the author gave none.
    public var explanation: String
    /// Whether the quiz asks the learner to predict what the live block below it will measure
    /// (`predict:`): that block waits for an answer, then runs, and the quiz shows the engine's
    /// answer beside the prediction. Its answer is always `.computed` over that block.
    public var isPrediction: Bool

    public init(
        id: String, line: Int, question: [MarkdownInline], choices: [String], answer: QuizAnswer, hints: [String],
        explanation: String = "", isPrediction: Bool = false
    ) {
        self.explanation = explanation
        self.isPrediction = isPrediction
        self.id = id
        self.line = line
        self.question = question
        self.choices = choices
        self.answer = answer
        self.hints = hints
    }
}

extension Quiz {
    /// The live block the quiz predicts, when it is a prediction.
    public var predictedBlock: String? {
        guard isPrediction, case .computed(let block, _, _, _) = answer else { return nil }
        return block
    }
}

extension Quiz: Sendable {}
