/// Code as code: every line keeps its indentation, a line too long for the width continues on
/// the next row behind a `↳` at the same indentation (never reflowed into prose), and comments,
/// strings, numbers and keywords are coloured.
public struct CodeBlock: LineWidget {
    public var text: String
    public var theme: Theme

    /// Words coloured as keywords: Python's (the language of the code the course writes out) and a
    /// few shared with shells and JSON.
    static let keywords: Set<String> = [
        "def", "return", "import", "from", "as", "if", "elif", "else", "for", "in", "while", "with", "class",
        "lambda", "and", "or", "not", "is", "None", "True", "False", "true", "false", "null", "pass", "yield",
    ]

    /// What a piece of a line is, for its colour.
    enum Token: Equatable {
        case plain, keyword, string, number, comment
    }

    public init(_ text: String, theme: Theme) {
        self.text = text
        self.theme = theme
    }

    public func lines(width: Int) -> [StyledLine] {
        guard width > 2 else { return [] }
        return text.split(separator: "\n", omittingEmptySubsequences: false).flatMap { line in
            layout(line.replacingOccurrences(of: "\t", with: "    "), width: width)
        }
    }

    /// One source line in rows of `width` columns: a margin column, then the code. A row breaks
    /// after a space, comma or opening bracket in its second half when there is one, else at the edge.
    func layout(_ line: String, width: Int) -> [StyledLine] {
        let indent = String(line.prefix { $0 == " " })
        let room = width - 1
        // A continuation row starts at the line's indentation with `↳ `, unless that leaves no room.
        let continuation = indent.terminalWidth + 2 < room / 2 ? indent + "↳ " : room > 4 ? "↳ " : ""
        let characters = Array(line)
        var breaks: [Int] = []
        var start = 0
        while start < characters.count {
            let columns = breaks.isEmpty ? room : room - continuation.terminalWidth
            var end = start, used = 0
            while end < characters.count, used + String(characters[end]).terminalWidth <= columns {
                used += String(characters[end]).terminalWidth
                end += 1
            }
            if end == start { end += 1 }
            if end < characters.count, let soft = (start + (end - start) / 2..<end).last(where: { " ,([{".contains(characters[$0]) }) {
                end = soft + 1
            }
            breaks.append(end)
            start = end
        }
        var rows: [StyledLine] = []
        var current: [StyledLine.Span] = []
        var offset = 0
        var row = 0
        for token in Self.tokens(line) {
            var rest = Substring(token.text)
            while !rest.isEmpty {
                let take = min(rest.count, breaks[row] - offset)
                current.append(.init(String(rest.prefix(take)), style: style(for: token.token)))
                rest = rest.dropFirst(take)
                offset += take
                if offset == breaks[row], row + 1 < breaks.count {
                    rows.append(StyledLine([.init(" ", style: theme.codeBlock)] + current, fill: theme.codeBlock))
                    current = continuation.isEmpty ? [] : [.init(continuation, style: style(for: .comment))]
                    row += 1
                }
            }
        }
        rows.append(StyledLine([.init(" ", style: theme.codeBlock)] + current, fill: theme.codeBlock))
        return rows
    }

    func style(for token: Token) -> Style {
        let block = theme.codeBlock
        let colored = theme.depth > .monochrome
        switch token {
        case .plain: return block
        case .keyword: return Style(foreground: colored ? theme.accent.foreground : block.foreground, background: block.background, attributes: [.bold])
        case .string: return Style(foreground: colored ? theme.success.foreground : block.foreground, background: block.background)
        case .number: return Style(foreground: colored ? theme.code.foreground : block.foreground, background: block.background)
        case .comment: return Style(foreground: colored ? theme.dim.foreground : block.foreground, background: block.background, attributes: colored ? [.italic] : [.dim])
        }
    }

    /// A line cut into runs of one kind: a `#` comment to the end, quoted strings, numbers, keywords.
    static func tokens(_ line: String) -> [(text: String, token: Token)] {
        var result: [(text: String, token: Token)] = []
        let characters = Array(line)
        var index = 0
        func add(_ text: String, _ token: Token) {
            if let last = result.last, last.token == token { result[result.count - 1].text += text } else { result.append((text, token)) }
        }
        while index < characters.count {
            let character = characters[index]
            if character == "#" {
                add(String(characters[index...]), .comment)
                break
            }
            if character == "\"" || character == "'" {
                var end = index + 1
                while end < characters.count, characters[end] != character { end += characters[end] == "\\" ? 2 : 1 }
                end = min(characters.count, end + 1)
                add(String(characters[index..<end]), .string)
                index = end
                continue
            }
            if character.isLetter || character == "_" || character.isNumber {
                var end = index
                while end < characters.count, characters[end].isLetter || characters[end].isNumber || characters[end] == "_" || (characters[index].isNumber && characters[end] == ".") {
                    end += 1
                }
                let word = String(characters[index..<end])
                let token: Token = character.isNumber ? .number : keywords.contains(word) ? .keyword : .plain
                add(word, token)
                index = end
                continue
            }
            add(String(character), .plain)
            index += 1
        }
        return result
    }
}
