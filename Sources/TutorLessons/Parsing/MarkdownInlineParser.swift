/// Reads the inline Markdown the guide lists: emphasis, strong, inline code, links, backslash escapes.
///
/// A delimiter with no partner, an image, an autolink or inline HTML stays as the literal text.
enum MarkdownInlineParser {
    /// Parses one block's text into inline runs.
    static func parse(_ text: String) -> [MarkdownInline] {
        parse(Array(text), in: 0..<text.count, nesting: 0)
    }

    /// How deep emphasis and links may nest before the rest is kept as plain text.
    private static let maximumNesting = 32

    private static let punctuation = Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")

    private static func parse(_ characters: [Character], in range: Range<Int>, nesting: Int) -> [MarkdownInline] {
        guard nesting <= maximumNesting else { return [.text(String(characters[range]))] }
        var inlines: [MarkdownInline] = []
        var text = ""
        func flush() {
            if !text.isEmpty { inlines.append(.text(text)) }
            text = ""
        }
        var index = range.lowerBound
        while index < range.upperBound {
            let character = characters[index]
            if character == "\\", index + 1 < range.upperBound, punctuation.contains(characters[index + 1]) {
                text.append(characters[index + 1])
                index += 2
            } else if character == "`" {
                let run = runLength(characters, at: index, limit: range.upperBound)
                if let close = codeSpanClose(characters, from: index + run, run: run, limit: range.upperBound) {
                    flush()
                    inlines.append(.code(codeSpanText(characters[(index + run)..<close])))
                    index = close + run
                } else {
                    text += String(repeating: "`", count: run)
                    index += run
                }
            } else if character == "[", let link = link(characters, at: index, limit: range.upperBound) {
                flush()
                inlines.append(.link(text: parse(characters, in: link.text, nesting: nesting + 1), destination: link.destination))
                index = link.end
            } else if character == "*" || character == "_" {
                let run = runLength(characters, at: index, limit: range.upperBound)
                if let span = emphasis(characters, at: index, run: run, limit: range.upperBound) {
                    flush()
                    let children = parse(characters, in: span.inner, nesting: nesting + 1)
                    inlines.append(span.strong ? .strong(children) : .emphasis(children))
                    index = span.end
                } else {
                    text += String(repeating: character, count: run)
                    index += run
                }
            } else {
                text.append(character)
                index += 1
            }
        }
        flush()
        return inlines
    }

    private static func runLength(_ characters: [Character], at index: Int, limit: Int) -> Int {
        var end = index
        while end < limit, characters[end] == characters[index] { end += 1 }
        return end - index
    }

    /// The start of the backtick run of exactly `run` that closes a code span, if any.
    private static func codeSpanClose(_ characters: [Character], from start: Int, run: Int, limit: Int) -> Int? {
        var index = start
        while index < limit {
            if characters[index] == "`" {
                let length = runLength(characters, at: index, limit: limit)
                if length == run { return index }
                index += length
            } else {
                index += 1
            }
        }
        return nil
    }

    private static func codeSpanText(_ slice: ArraySlice<Character>) -> String {
        let text = String(slice)
        if text.count >= 2, text.hasPrefix(" "), text.hasSuffix(" "), text.contains(where: { $0 != " " }) {
            return String(text.dropFirst().dropLast())
        }
        return text
    }

    /// A link `[text](destination "title")` starting at `index`.
    private static func link(_ characters: [Character], at index: Int, limit: Int) -> (text: Range<Int>, destination: String, end: Int)? {
        var depth = 0
        var cursor = index
        var closeBracket: Int?
        while cursor < limit {
            switch characters[cursor] {
            case "\\": cursor += 1
            case "`":
                let run = runLength(characters, at: cursor, limit: limit)
                if let close = codeSpanClose(characters, from: cursor + run, run: run, limit: limit) {
                    cursor = close + run - 1
                } else {
                    cursor += run - 1
                }
            case "[": depth += 1
            case "]":
                depth -= 1
                if depth == 0 { closeBracket = cursor }
            default: break
            }
            if closeBracket != nil { break }
            cursor += 1
        }
        guard let close = closeBracket, close + 1 < limit, characters[close + 1] == "(" else { return nil }
        var parenDepth = 1
        var end = close + 2
        while end < limit {
            if characters[end] == "\\" {
                end += 1
            } else if characters[end] == "(" {
                parenDepth += 1
            } else if characters[end] == ")" {
                parenDepth -= 1
                if parenDepth == 0 { break }
            }
            end += 1
        }
        guard end < limit else { return nil }
        var destination = String(characters[(close + 2)..<end]).trimmingSpaces
        if destination.hasPrefix("<"), let closeAngle = destination.firstIndex(of: ">") {
            destination = String(destination[destination.index(after: destination.startIndex)..<closeAngle])
        } else if let space = destination.firstIndex(of: " ") {
            // Drop the optional title.
            destination = String(destination[..<space])
        }
        return ((index + 1)..<close, destination, end + 1)
    }

    /// Emphasis (`*a*`, `_a_`) or strong (`**a**`, `__a__`) opened by the delimiter run at `index`.
    ///
    /// A simplified form of CommonMark's rule: the opener must be followed by a non-space, the closer
    /// preceded by one, `_` does not open or close inside a word, and a closer of one delimiter
    /// closes emphasis while a run of two or more closes strong.
    private static func emphasis(_ characters: [Character], at index: Int, run: Int, limit: Int) -> (strong: Bool, inner: Range<Int>, end: Int)? {
        let delimiter = characters[index]
        func isSpace(_ position: Int) -> Bool { position < 0 || position >= limit || characters[position] == " " }
        func isWordCharacter(_ position: Int) -> Bool {
            position >= 0 && position < limit && (characters[position].isLetter || characters[position].isNumber)
        }
        guard !isSpace(index + run) else { return nil }
        if delimiter == "_", isWordCharacter(index - 1) { return nil }
        for strong in run >= 2 ? [true, false] : [false] {
            let width = strong ? 2 : 1
            var cursor = index + width
            while cursor < limit {
                if characters[cursor] == "`" {
                    let codeRun = runLength(characters, at: cursor, limit: limit)
                    cursor = (codeSpanClose(characters, from: cursor + codeRun, run: codeRun, limit: limit) ?? cursor) + codeRun
                    continue
                }
                if characters[cursor] == "\\" {
                    cursor += 2
                    continue
                }
                guard characters[cursor] == delimiter else {
                    cursor += 1
                    continue
                }
                let closeRun = runLength(characters, at: cursor, limit: limit)
                let closes = cursor > index + width && !isSpace(cursor - 1)
                    && !(delimiter == "_" && isWordCharacter(cursor + closeRun))
                    && (strong ? closeRun >= 2 : closeRun != 2)
                if closes {
                    let innerEnd = cursor + closeRun - width
                    return (strong, (index + width)..<innerEnd, cursor + closeRun)
                }
                cursor += closeRun
            }
        }
        return nil
    }
}
