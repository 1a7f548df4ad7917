/// A line of text in runs of one style each: what text widgets lay out before drawing.
public struct StyledLine: Hashable {
    /// One run of text in one style.
    public struct Span: Hashable, Sendable {
        public var text: String
        public var style: Style
        public init(_ text: String, style: Style) {
            self.text = text
            self.style = style
        }
    }

    public var spans: [Span]
    /// A style for the whole row past the text (a code block's background).
    public var fill: Style?

    public init(_ spans: [Span] = [], fill: Style? = nil) {
        self.spans = spans
        self.fill = fill
    }

    public init(_ text: String, style: Style) {
        self.init([Span(text, style: style)])
    }

    /// The line's text without styles.
    public var text: String { spans.map(\.text).joined() }

    /// Columns the text takes.
    public var width: Int { spans.reduce(0) { $0 + $1.text.terminalWidth } }

    /// Draws the line at a row, clipped to `rect`'s columns.
    public func draw(x: Int, y: Int, limit: Int, on screen: inout Screen) {
        if let fill { screen.fill(Rect(x: x, y: y, width: limit - x, height: 1), with: Cell(" ", style: fill)) }
        var column = x
        for span in spans where column < limit {
            column = screen.put(span.text, x: column, y: y, style: span.style, limit: limit)
        }
    }

    /// Breaks the line into lines of at most `width` columns, at spaces where it can and inside
    /// a word only when the word alone is too long; `indent` spans start every line after the first.
    public func wrapped(width: Int, indent: [Span] = []) -> [StyledLine] {
        let indentWidth = indent.reduce(0) { $0 + $1.text.terminalWidth }
        guard width > 0 else { return [] }
        var lines: [StyledLine] = []
        var current: [Span] = []
        var currentWidth = 0
        var pendingSpaces: [Span] = []
        func flush() {
            lines.append(StyledLine(current, fill: fill))
            current = indentWidth < width ? indent : []
            currentWidth = indentWidth < width ? indentWidth : 0
            pendingSpaces = []
        }
        for (word, style, isSpace) in words() {
            if isSpace {
                if currentWidth > 0 { pendingSpaces.append(Span(" ", style: style)) }
                continue
            }
            var word = word
            if currentWidth + pendingSpaces.count + word.terminalWidth > width, currentWidth > (lines.isEmpty ? 0 : indentWidth) {
                flush()
            }
            if currentWidth > 0 {
                current += pendingSpaces
                currentWidth += pendingSpaces.count
            }
            pendingSpaces = []
            while currentWidth + word.terminalWidth > width {
                let room = max(1, width - currentWidth)
                let (head, tail) = Self.split(word, columns: room)
                current.append(Span(head, style: style))
                currentWidth += head.terminalWidth
                word = tail
                flush()
                if word.isEmpty { break }
            }
            if !word.isEmpty {
                current.append(Span(word, style: style))
                currentWidth += word.terminalWidth
            }
        }
        if !current.isEmpty || lines.isEmpty { lines.append(StyledLine(current, fill: fill)) }
        return lines
    }

    /// The words and single spaces of the line, each with its style.
    private func words() -> [(String, Style, Bool)] {
        var result: [(String, Style, Bool)] = []
        for span in spans {
            var word = ""
            for character in span.text {
                if character == " " || character == "\n" || character == "\t" {
                    if !word.isEmpty { result.append((word, span.style, false)) }
                    word = ""
                    result.append((" ", span.style, true))
                } else {
                    word.append(character)
                }
            }
            if !word.isEmpty { result.append((word, span.style, false)) }
        }
        return result
    }

    /// The first `columns` columns of a word and the rest (at least one character goes first).
    private static func split(_ word: String, columns: Int) -> (String, String) {
        var head = "", width = 0
        var index = word.startIndex
        while index < word.endIndex {
            let characterWidth = String(word[index]).terminalWidth
            if width + characterWidth > columns, !head.isEmpty { break }
            head.append(word[index])
            width += characterWidth
            index = word.index(after: index)
        }
        return (head, String(word[index...]))
    }
}

extension StyledLine: Sendable {}
