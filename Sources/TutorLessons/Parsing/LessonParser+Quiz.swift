import QLoRAEngine

extension LessonParser {
    /// The keys a quiz may have.
    static let quizKeys = ["id", "ask", "answer", "compute", "from", "within", "choices", "hint", "hints", "explain"]

    /// Parses the YAML of a `qlora-quiz` fence opened on `line`; `liveBlocks` are the lesson's live
    /// blocks before it, which a computed answer may read.
    func parseQuiz(_ yaml: String, line: Int, liveBlocks: [LiveBlock], source: String) throws -> Quiz {
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
            if let fromNode = values["from"] {
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
        return Quiz(id: id, line: line, question: question, choices: choices, answer: answer, hints: hints, explanation: explanation)
    }
}
