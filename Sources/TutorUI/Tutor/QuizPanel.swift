import TutorLessons

/// A quiz on the lesson page: the question, its choices, the answer being typed, the verdict and hints.
/// The lesson page draws it inside a `FocusMargin`.
struct QuizPanel: LineWidget {
    var quiz: Quiz
    var draft: String
    var isEditing: Bool
    var hintsShown: Int
    var attempt: QuizAttempt?
    var isFocused: Bool
    var theme: Theme
    /// For a prediction: the engine's answer once the block it predicts has run, or when it will be.
    var engineAnswer: String? = nil

    var lines: [StyledLine] {
        var lines = [StyledLine([.init("? ", style: theme.accent)] + MarkdownWidget([], theme: theme).spans(quiz.question, style: theme.strong))]
        if quiz.isPrediction, attempt == nil {
            lines.append(StyledLine("  Predict first: the block below runs once you have answered, right or wrong.", style: theme.dim))
        }
        for (index, choice) in quiz.choices.enumerated() {
            lines.append(StyledLine([.init("  \(index + 1)) ", style: theme.accent), .init(choice, style: theme.text)]))
        }
        var answer: [StyledLine.Span] = [.init("  answer: ", style: theme.dim)]
        if isEditing {
            answer.append(.init(draft, style: theme.strong))
            answer.append(.init("▏", style: theme.accent))
            answer.append(.init(quiz.choices.isEmpty ? "   Enter: check  Esc: leave" : "   1-\(quiz.choices.count): pick  Esc: leave", style: theme.dim))
        } else if let attempt {
            answer.append(.init(attempt.answer, style: theme.strong))
            let right = attempt.verdict == .correct
            answer.append(.init(right ? "  ✓ right" : "  ✗ not quite", style: right ? theme.success : theme.failure))
            if let engineAnswer {
                answer.append(.init("   engine: ", style: theme.dim))
                answer.append(.init(engineAnswer, style: theme.strong))
            }
            if isFocused, !right { answer.append(.init(quiz.choices.isEmpty ? "   Enter: try again" : "   1-\(quiz.choices.count): pick again", style: theme.dim)) }
        } else if isFocused {
            answer.append(.init(quiz.choices.isEmpty ? "Enter: answer" : "1-\(quiz.choices.count): pick", style: theme.dim))
        } else {
            answer.append(.init("Tab to answer", style: theme.dim))
        }
        lines.append(StyledLine(answer))
        if attempt?.verdict == .correct, !isEditing, !quiz.explanation.isEmpty {
            lines.append(StyledLine([.init("  why: ", style: theme.success), .init(quiz.explanation, style: theme.text)]))
        }
        for hint in quiz.hints.prefix(hintsShown) {
            lines.append(StyledLine([.init("  hint: ", style: theme.accent), .init(hint, style: theme.quote)]))
        }
        if isFocused, hintsShown < quiz.hints.count, attempt?.verdict != .correct {
            lines.append(StyledLine("  h: a hint", style: theme.dim))
        }
        return lines
    }

    /// Wrapped lines keep their label's indent, so a long hint reads as one block.
    func lines(width: Int) -> [StyledLine] {
        lines.flatMap { line in
            let indent = line.spans.first.map { String(repeating: " ", count: max(0, min(width / 2, $0.text.terminalWidth))) } ?? ""
            return line.wrapped(width: width, indent: [.init(indent, style: theme.text)])
        }
    }
}
