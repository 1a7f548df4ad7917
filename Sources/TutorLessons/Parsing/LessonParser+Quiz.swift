import QLoRAEngine

extension LessonParser {
    /// The keys a quiz may have.
    static let quizKeys = ["id", "ask", "answer", "compute", "from", "predict", "within", "choices", "hint", "hints", "explain"]

    /// Parses the YAML of a `qlora-quiz` fence opened on `line`; `liveBlocks` are the lesson's live
    /// blocks before it, which a computed answer may read, and `belowInStep` gives those after it
    /// in the same step, which a prediction (`predict:`) may name.
    func parseQuiz(
        _ yaml: String, line: Int, liveBlocks: [LiveBlock], belowInStep: () throws -> [LiveBlock], source: String
    ) throws -> Quiz {
        let pairs = try LessonYAML.mapping(yaml, source: source, firstLine: line + 1, what: "a qlora-quiz block")
        var values: [String: LessonYAML] = [:]
        for pair in pairs {
            guard Self.quizKeys.contains(pair.key) else {
                throw pair.keyNode.failure("unknown quiz key `\(pair.key)`; expected one of \(Self.quizKeys.joined(separator: ", "))")
            }
            values[pair.key] = pair.value
        }
        let location = "\(source):\(line)"
        guard let idNode = values["id"] else { throw InputError(location, "quiz has no `id:`; expected one, unique in the lesson") }
        let id = try Self.parseID(idNode)
        guard let askNode = values["ask"] else { throw InputError(location, "quiz `\(id)` has no `ask:`; expected the question") }
        let question = MarkdownInlineParser.parse(try askNode.nonEmptyText("the question"))
        let choices = try values["choices"].map { try $0.list("choices").map { try $0.nonEmptyText("a choice") } } ?? []
        let tolerance = try values["within"].map { node in
            let value = try node.number("a tolerance")
            guard value >= 0 else { throw node.failure("expected a tolerance of 0 or more, found \(ParameterValue.number(value))") }
            return value
        } ?? 0
        var hints = try values["hints"].map { try $0.list("hints").map { try $0.nonEmptyText("a hint") } } ?? []
        if let hint = values["hint"] { hints.insert(try hint.nonEmptyText("a hint"), at: 0) }
        let explanation = try values["explain"].map { try $0.nonEmptyText("why the answer is right") } ?? ""

        if let predictNode = values["predict"] {
            if let from = values["from"] {
                throw from.failure("`from:` names a block above the quiz and `predict:` one below it; expected one of them")
            }
            guard values["compute"] != nil, values["answer"] == nil else {
                throw predictNode.failure("a prediction's answer is what the block will measure; expected `compute:` (an expression over its results) and no `answer:`")
            }
        }

        let answer: QuizAnswer
        switch (values["answer"], values["compute"]) {
        case (nil, nil):
            throw InputError(location, "quiz `\(id)` has no answer; expected `answer:` (a number or one of the choices) or `compute:` (an expression over a live block's results)")
        case (.some, .some):
            throw InputError(location, "quiz `\(id)` has both `answer:` and `compute:`; expected one")
        case (let answerNode?, nil):
            if let from = values["from"] { throw from.failure("`from:` goes with `compute:`, not `answer:`") }
            let text = try answerNode.nonEmptyText("the answer")
            if !choices.isEmpty {
                guard let choice = choices.first(where: { Quiz.normalized($0) == Quiz.normalized(text) }) else {
                    throw answerNode.failure("expected the answer to be one of the choices (\(choices.joined(separator: ", "))), found `\(text)`")
                }
                answer = .choice(choice)
            } else {
                guard case .number(let number)? = answerNode.parameterValue() else {
                    throw answerNode.failure("expected a number as the answer (or give `choices:`), found `\(text)`")
                }
                answer = .number(number, tolerance: tolerance)
            }
        case (nil, let computeNode?):
            guard choices.isEmpty else { throw computeNode.failure("a computed answer is a number; expected no `choices:`") }
            let block: LiveBlock
            if let predictNode = values["predict"] {
                block = try Self.predictedBlock(predictNode, above: liveBlocks, below: try belowInStep())
            } else if let fromNode = values["from"] {
                let blockID = try fromNode.nonEmptyText("a live block id")
                guard let found = liveBlocks.first(where: { $0.id == blockID }) else {
                    let known = liveBlocks.map(\.id).joined(separator: ", ")
                    throw fromNode.failure("unknown live block `\(blockID)`; expected the id of a live block above the quiz (\(known.isEmpty ? "none yet" : known))")
                }
                block = found
            } else {
                guard let last = liveBlocks.last else {
                    throw computeNode.failure("expected a live block above the quiz for `compute:` to read")
                }
                block = last
            }
            let text = try computeNode.nonEmptyText("an expression")
            let section = registry.section(named: block.section)
            let expression: Expression
            do {
                expression = try Expression.parse(text, names: section?.expressionNames ?? [], kind: .number)
            } catch {
                throw computeNode.failure("in `\(text)`, column \(error.column): \(error.message)")
            }
            if let given = section?.givenError(in: expression) { throw computeNode.failure("in `\(text)`: \(given)") }
            answer = .computed(block: block.id, expression: expression, text: text, tolerance: tolerance)
        }
        return Quiz(
            id: id, line: line, question: question, choices: choices, answer: answer, hints: hints, explanation: explanation,
            isPrediction: values["predict"] != nil)
    }

    /// The live block `predict:` names: one below the quiz in the same step, which waits for the
    /// learner's answer before it runs.
    private static func predictedBlock(_ node: LessonYAML, above: [LiveBlock], below: [LiveBlock]) throws -> LiveBlock {
        let blockID = try node.nonEmptyText("a live block id")
        if let found = below.first(where: { $0.id == blockID }) { return found }
        if let earlier = above.first(where: { $0.id == blockID }) {
            throw node.failure("live block `\(blockID)` (line \(earlier.line)) is above the quiz, so it has run before the learner predicts; expected a block below the quiz in the same step (or `from:` to ask about it afterwards)")
        }
        let known = below.map(\.id).joined(separator: ", ")
        throw node.failure("unknown live block `\(blockID)`; expected the id of a live block below the quiz in the same step (\(known.isEmpty ? "none there" : known))")
    }
}
