/// Plain text: one line wraps as prose; text of several lines is preformatted (code, JSON) and
/// drawn as a `CodeBlock`, so its indentation survives and long lines never turn into prose.
public struct TextWidget: LineWidget {
    public var text: String
    public var theme: Theme

    public init(text: String, theme: Theme) {
        self.text = text
        self.theme = theme
    }

    /// Whether the text keeps its own line breaks and indentation.
    var isPreformatted: Bool { text.contains("\n") }

    public func lines(width: Int) -> [StyledLine] {
        if isPreformatted { return CodeBlock(text, theme: theme).lines(width: width) }
        return StyledLine(text, style: theme.text).wrapped(width: width)
    }
}
