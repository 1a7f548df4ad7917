/// One block of a step: prose, a live block the engine runs, or a quiz.
public enum LessonBlock: Equatable {
    /// Markdown as the author wrote it, with the line it starts on.
    case markdown(MarkdownBlock, line: Int)
    /// A fenced `qlora` block.
    case live(LiveBlock)
    /// A fenced `qlora-quiz` block.
    case quiz(Quiz)
}

extension LessonBlock {
    /// The line of the lesson file the block starts on.
    public var line: Int {
        switch self {
        case .markdown(_, let line): line
        case .live(let block): block.line
        case .quiz(let quiz): quiz.line
        }
    }
}

extension LessonBlock: Sendable {}
