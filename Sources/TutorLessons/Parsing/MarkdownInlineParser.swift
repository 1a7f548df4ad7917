/// Reads the inline Markdown the guide lists: emphasis, strong, inline code, links, backslash escapes.
///
/// A delimiter with no partner, an image, an autolink or inline HTML stays as the literal text.
///
/// The work is linear in the text (times the nesting limit): one pass over each nesting level
/// finds its code spans, escapes, bracket and parenthesis pairs and the delimiter runs that can
/// close emphasis, so finding a partner is a lookup, never a scan to the end of the block. A
/// block of 64,000 `[` or of `_a _a _a …` costs what any other block of that length costs.
struct MarkdownInlineParser {
    /// Parses one block's text into inline runs.
    static func parse(_ text: String) -> [MarkdownInline] {
        let parser = MarkdownInlineParser(characters: Array(text))
        return parser.parse(in: 0..<parser.characters.count, nesting: 0)
    }

    /// How deep emphasis and links may nest before the rest is kept as plain text.
    private static let maximumNesting = 32

    private static let punctuation = Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")

    private let characters: [Character]
    /// The starts of the backtick runs of the whole text, by run length, in order.
    private let backtickRuns: [Int: [Int]]

    private init(characters: [Character]) {
        self.characters = characters
        var runs: [Int: [Int]] = [:]
        var index = 0
        while index < characters.count {
            guard characters[index] == "`" else {
                index += 1
                continue
            }
            let run = Self.runLength(characters, at: index, limit: characters.count)
            runs[run, default: []].append(index)
            index += run
        }
        backtickRuns = runs
    }

    private func parse(in range: Range<Int>, nesting: Int) -> [MarkdownInline] {
        guard nesting <= Self.maximumNesting else { return [.text(String(characters[range]))] }
        let pairs = Pairs(of: self, in: range)
        var inlines: [MarkdownInline] = []
        var text = ""
        func flush() {
            if !text.isEmpty { inlines.append(.text(text)) }
            text = ""
        }
        var index = range.lowerBound
        while index < range.upperBound {
            let character = characters[index]
            if character == "\\", index + 1 < range.upperBound, Self.punctuation.contains(characters[index + 1]) {
                text.append(characters[index + 1])
                index += 2
            } else if character == "`" {
                let run = runLength(at: index, limit: range.upperBound)
                if let close = codeSpanClose(from: index + run, run: run, limit: range.upperBound) {
                    flush()
                    inlines.append(.code(codeSpanText(characters[(index + run)..<close])))
                    index = close + run
                } else {
                    text += String(repeating: "`", count: run)
                    index += run
                }
            } else if character == "[", let link = link(at: index, pairs: pairs, limit: range.upperBound) {
                flush()
                inlines.append(.link(text: parse(in: link.text, nesting: nesting + 1), destination: link.destination))
                index = link.end
            } else if character == "*" || character == "_" {
                let run = runLength(at: index, limit: range.upperBound)
                if let span = emphasis(at: index, run: run, pairs: pairs, limit: range.upperBound) {
                    flush()
                    let children = parse(in: span.inner, nesting: nesting + 1)
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

    private func runLength(at index: Int, limit: Int) -> Int {
        Self.runLength(characters, at: index, limit: limit)
    }

    /// The start of the first backtick run of exactly `run` at or after `start` and before `limit`:
    /// the run that closes a code span opened just before `start`.
    private func codeSpanClose(from start: Int, run: Int, limit: Int) -> Int? {
        guard let starts = backtickRuns[run], let close = starts.first(atOrAfter: start), close < limit else { return nil }
        return close
    }

    private func codeSpanText(_ slice: ArraySlice<Character>) -> String {
        let text = String(slice)
        if text.count >= 2, text.hasPrefix(" "), text.hasSuffix(" "), text.contains(where: { $0 != " " }) {
            return String(text.dropFirst().dropLast())
        }
        return text
    }

    /// A link `[text](destination "title")` starting at `index`.
    private func link(at index: Int, pairs: Pairs, limit: Int) -> (text: Range<Int>, destination: String, end: Int)? {
        guard let close = pairs.closingBracket[index], close + 1 < limit, characters[close + 1] == "(",
              let end = pairs.closingParenthesis[close + 1], end < limit
        else { return nil }
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
    /// closes emphasis while a run of two or more closes strong. The closer is the first run after
    /// the opener that `Pairs` found able to close.
    private func emphasis(at index: Int, run: Int, pairs: Pairs, limit: Int) -> (strong: Bool, inner: Range<Int>, end: Int)? {
        let delimiter = characters[index]
        guard index + run < limit, characters[index + run] != " " else { return nil }
        if delimiter == "_", isWordCharacter(index - 1, limit: limit) { return nil }
        for strong in run >= 2 ? [true, false] : [false] {
            let width = strong ? 2 : 1
            let closers = pairs.closers[Pairs.CloserKind(delimiter: delimiter, strong: strong)] ?? []
            guard let closer = closers.first(atOrAfter: index + width + 1), closer < limit else { continue }
            let closeRun = runLength(at: closer, limit: limit)
            return (strong, (index + width)..<(closer + closeRun - width), closer + closeRun)
        }
        return nil
    }

    private func isWordCharacter(_ position: Int, limit: Int) -> Bool {
        position >= 0 && position < limit && (characters[position].isLetter || characters[position].isNumber)
    }
}

extension MarkdownInlineParser {
    /// What one left-to-right pass over a range finds: which `[` each `]` closes, which `(` each
    /// `)` closes, and where the delimiter runs are that can close emphasis or strong.
    ///
    /// Code spans and backslash escapes are read first, so a bracket or delimiter inside them is text.
    struct Pairs {
        /// A delimiter and whether the run closes strong (two or more) or emphasis (not exactly two).
        struct CloserKind: Hashable {
            var delimiter: Character
            var strong: Bool
        }

        var closingBracket: [Int: Int] = [:]
        var closingParenthesis: [Int: Int] = [:]
        /// The starts of the runs that can close each kind, in order.
        var closers: [CloserKind: [Int]] = [:]

        init(of parser: MarkdownInlineParser, in range: Range<Int>) {
            let characters = parser.characters
            let limit = range.upperBound
            var openBrackets: [Int] = []
            var index = range.lowerBound
            while index < limit {
                let character = characters[index]
                if character == "\\", index + 1 < limit, MarkdownInlineParser.punctuation.contains(characters[index + 1]) {
                    index += 2
                } else if character == "`" {
                    let run = parser.runLength(at: index, limit: limit)
                    index = parser.codeSpanClose(from: index + run, run: run, limit: limit).map { $0 + run } ?? index + run
                } else if character == "*" || character == "_" {
                    let run = parser.runLength(at: index, limit: limit)
                    let precededBySpace = index - 1 < 0 || characters[index - 1] == " "
                    let closesInsideWord = character == "_" && parser.isWordCharacter(index + run, limit: limit)
                    if !precededBySpace, !closesInsideWord {
                        if run >= 2 { closers[CloserKind(delimiter: character, strong: true), default: []].append(index) }
                        if run != 2 { closers[CloserKind(delimiter: character, strong: false), default: []].append(index) }
                    }
                    index += run
                } else {
                    if character == "[" {
                        openBrackets.append(index)
                    } else if character == "]", let open = openBrackets.popLast() {
                        closingBracket[open] = index
                    }
                    index += 1
                }
            }
            // A link's destination is read without code spans, as its own pass.
            var openParentheses: [Int] = []
            index = range.lowerBound
            while index < limit {
                switch characters[index] {
                case "\\": index += 1
                case "(": openParentheses.append(index)
                case ")": if let open = openParentheses.popLast() { closingParenthesis[open] = index }
                default: break
                }
                index += 1
            }
        }
    }
}

extension Array where Element == Int {
    /// The first element not less than `value`, in an array sorted ascending.
    fileprivate func first(atOrAfter value: Int) -> Int? {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if self[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low < count ? self[low] : nil
    }
}
