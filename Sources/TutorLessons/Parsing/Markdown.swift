/// A block of Markdown, in the subset the lesson guide lists.
///
/// Anything outside that subset is kept as a paragraph of plain text, never dropped.
public indirect enum MarkdownBlock: Equatable {
    case heading(level: Int, [MarkdownInline])
    case paragraph([MarkdownInline])
    /// Items of a bullet list; each item is its own blocks.
    case bulletList([[MarkdownBlock]])
    /// Items of a numbered list starting at `start`.
    case numberedList(start: Int, [[MarkdownBlock]])
    case blockQuote([MarkdownBlock])
    /// A fenced code block that is not a live block or quiz: its info string and text.
    case code(language: String, text: String)
    case table(header: [[MarkdownInline]], alignments: [OutputTable.Alignment], rows: [[[MarkdownInline]]])
    case thematicBreak
}

/// A run of text inside a Markdown block.
public indirect enum MarkdownInline: Equatable {
    case text(String)
    case emphasis([MarkdownInline])
    case strong([MarkdownInline])
    case code(String)
    case link(text: [MarkdownInline], destination: String)
}

extension MarkdownInline {
    /// The text with all markup removed, as a plain-text front end shows it.
    public var plainText: String {
        switch self {
        case .text(let text), .code(let text): text
        case .emphasis(let children), .strong(let children), .link(let children, _):
            children.map(\.plainText).joined()
        }
    }
}

extension MarkdownBlock: Sendable {}
extension MarkdownInline: Sendable {}
