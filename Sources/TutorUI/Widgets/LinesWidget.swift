/// Styled lines, each wrapped to the width; a wrapped line's later rows start `hangingIndent`
/// columns in, so each line still reads as one item.
public struct LinesWidget: LineWidget {
    public var lines: [StyledLine]
    public var hangingIndent: Int

    public init(_ lines: [StyledLine], hangingIndent: Int = 0) {
        self.lines = lines
        self.hangingIndent = hangingIndent
    }

    /// Every line wrapped to `width` columns, in order.
    public func lines(width: Int) -> [StyledLine] {
        guard hangingIndent > 0, hangingIndent < width / 2 else { return lines.flatMap { $0.wrapped(width: width) } }
        let spaces = String(repeating: " ", count: hangingIndent)
        return lines.flatMap { line in
            // The indent takes the page's background from the line it continues.
            let page = Style(background: line.spans.first?.style.background ?? .terminalDefault)
            return line.wrapped(width: width, indent: [StyledLine.Span(spaces, style: page)])
        }
    }
}
