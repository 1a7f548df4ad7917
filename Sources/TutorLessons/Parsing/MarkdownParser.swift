import QLoRAEngine

/// Reads the Markdown subset the authoring guide lists into `MarkdownBlock`s, each with its line.
///
/// Headings (ATX), paragraphs, bullet and numbered lists (nested by indentation), block quotes,
/// fenced code, pipe tables and thematic breaks; inside them emphasis, strong, inline code and links.
/// Anything else (HTML, images, indented code, setext underlines) stays in a paragraph as plain
/// text, so nothing an author writes is ever dropped. The one error is an unterminated fence,
/// because everything after it would silently turn into code.
public struct MarkdownParser {
    /// One line of input: its text (tabs expanded) and its line number in the file.
    public struct Line: Equatable, Sendable {
        public var text: String
        public var number: Int
        public init(text: String, number: Int) {
            self.text = text
            self.number = number
        }
    }

    /// A parsed block and the line it starts on.
    public struct Located: Equatable, Sendable {
        /// The block.
        public var block: MarkdownBlock
        /// The file line of its first line, from 1.
        public var line: Int
    }

    /// The file the lines come from, used in error messages as `source:line`.
    public var source: String

    public init(source: String) {
        self.source = source
    }

    /// Splits `text` into lines numbered from `firstLine`, with tabs expanded to four columns.
    public static func lines(of text: String, firstLine: Int = 1) -> [Line] {
        var lines: [Line] = []
        var number = firstLine
        text.enumerateLines { line, _ in
            lines.append(Line(text: expandingTabs(line), number: number))
            number += 1
        }
        return lines
    }

    /// Parses a whole document.
    public func parse(_ text: String) throws -> [Located] {
        try parse(Self.lines(of: text))
    }

    /// How deep quotes and lists may nest; bounded so a hostile file cannot exhaust the stack.
    static let maximumNesting = 32

    /// Parses lines into blocks.
    public func parse(_ lines: [Line]) throws -> [Located] {
        try parse(lines, nesting: 0)
    }

    private func parse(_ lines: [Line], nesting: Int) throws -> [Located] {
        guard nesting <= Self.maximumNesting else {
            throw InputError("\(source):\(lines.first?.number ?? 1)", "quotes and lists nested more than \(Self.maximumNesting) deep; expected flatter Markdown")
        }
        var blocks: [Located] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            let text = line.text
            if text.trimmingSpaces.isEmpty {
                index += 1
            } else if let heading = Self.heading(text) {
                blocks.append(Located(block: .heading(level: heading.level, MarkdownInlineParser.parse(heading.text)), line: line.number))
                index += 1
            } else if Self.isThematicBreak(text) {
                blocks.append(Located(block: .thematicBreak, line: line.number))
                index += 1
            } else if let fence = Self.fenceOpening(text) {
                let (block, next) = try parseFence(fence, lines: lines, at: index)
                blocks.append(Located(block: block, line: line.number))
                index = next
            } else if Self.quoteContent(text) != nil {
                let (block, next) = try parseQuote(lines: lines, at: index, nesting: nesting)
                blocks.append(Located(block: block, line: line.number))
                index = next
            } else if let marker = Self.listMarker(text) {
                let (block, next) = try parseList(first: marker, lines: lines, at: index, nesting: nesting)
                blocks.append(Located(block: block, line: line.number))
                index = next
            } else if Self.startsTable(lines, at: index) {
                let (block, next) = parseTable(lines: lines, at: index)
                blocks.append(Located(block: block, line: line.number))
                index = next
            } else {
                var paragraph = [text.trimmingSpaces]
                index += 1
                while index < lines.count, !Self.endsParagraph(lines, at: index) {
                    paragraph.append(lines[index].text.trimmingSpaces)
                    index += 1
                }
                blocks.append(Located(block: .paragraph(MarkdownInlineParser.parse(paragraph.joined(separator: " "))), line: line.number))
            }
        }
        return blocks
    }

    // MARK: Fences

    struct Fence {
        var character: Character
        var length: Int
        var indent: Int
        var info: String
    }

    /// The opening of a fence: three or more backticks or tildes, indented at most three spaces.
    static func fenceOpening(_ text: String) -> Fence? {
        let indent = text.leadingSpaces
        guard indent <= 3 else { return nil }
        let rest = text.dropFirst(indent)
        guard let character = rest.first, character == "`" || character == "~" else { return nil }
        let length = rest.prefix { $0 == character }.count
        guard length >= 3 else { return nil }
        let info = String(rest.dropFirst(length)).trimmingSpaces
        if character == "`", info.contains("`") { return nil }
        return Fence(character: character, length: length, indent: indent, info: info)
    }

    private static func closes(_ fence: Fence, _ text: String) -> Bool {
        let indent = text.leadingSpaces
        guard indent <= 3 else { return false }
        let rest = text.dropFirst(indent)
        let run = rest.prefix { $0 == fence.character }.count
        return run >= fence.length && rest.dropFirst(run).allSatisfy { $0 == " " }
    }

    /// The body of a fence starting at `index` and the index after its closing line.
    func fenceBody(_ fence: Fence, lines: [Line], at index: Int) throws -> (body: [Line], next: Int) {
        var body: [Line] = []
        var cursor = index + 1
        while cursor < lines.count {
            if Self.closes(fence, lines[cursor].text) {
                return (body, cursor + 1)
            }
            var line = lines[cursor]
            let strip = min(fence.indent, line.text.leadingSpaces)
            line.text = String(line.text.dropFirst(strip))
            body.append(line)
            cursor += 1
        }
        let closing = String(repeating: fence.character, count: fence.length)
        throw InputError(
            "\(source):\(lines[index].number)",
            "unterminated fence: expected a closing \(closing) line for the fence opened here")
    }

    private func parseFence(_ fence: Fence, lines: [Line], at index: Int) throws -> (MarkdownBlock, Int) {
        let (body, next) = try fenceBody(fence, lines: lines, at: index)
        let language = fence.info.split(separator: " ").first.map(String.init) ?? ""
        return (.code(language: language, text: body.map(\.text).joined(separator: "\n")), next)
    }

    // MARK: Block quotes

    private static func quoteContent(_ text: String) -> String? {
        let indent = text.leadingSpaces
        guard indent <= 3 else { return nil }
        let rest = text.dropFirst(indent)
        guard rest.first == ">" else { return nil }
        let content = rest.dropFirst()
        return String(content.first == " " ? content.dropFirst() : content)
    }

    private func parseQuote(lines: [Line], at index: Int, nesting: Int) throws -> (MarkdownBlock, Int) {
        var inner: [Line] = []
        var cursor = index
        while cursor < lines.count {
            let line = lines[cursor]
            if let content = Self.quoteContent(line.text) {
                inner.append(Line(text: content, number: line.number))
            } else if let last = inner.last, !last.text.trimmingSpaces.isEmpty, !Self.endsParagraph(lines, at: cursor),
                      Self.fenceOpening(last.text) == nil {
                // A lazy continuation line of the quoted paragraph.
                inner.append(line)
            } else {
                break
            }
            cursor += 1
        }
        return (.blockQuote(try parse(inner, nesting: nesting + 1).map(\.block)), cursor)
    }

    // MARK: Lists

    struct ListMarker {
        /// The number of a numbered item, nil for a bullet.
        var number: Int?
        /// The column where the item's content starts.
        var contentIndent: Int
        var content: String
    }

    static func listMarker(_ text: String) -> ListMarker? {
        let indent = text.leadingSpaces
        guard indent <= 3 else { return nil }
        let rest = text.dropFirst(indent)
        var number: Int?
        var markerWidth: Int
        if let first = rest.first, first == "-" || first == "*" || first == "+" {
            markerWidth = 1
        } else {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard (1...9).contains(digits.count), let value = Int(digits) else { return nil }
            let after = rest.dropFirst(digits.count).first
            guard after == "." || after == ")" else { return nil }
            number = value
            markerWidth = digits.count + 1
        }
        let afterMarker = rest.dropFirst(markerWidth)
        if afterMarker.isEmpty {
            return ListMarker(number: number, contentIndent: indent + markerWidth + 1, content: "")
        }
        guard afterMarker.first == " " else { return nil }
        let spaces = min(afterMarker.prefix { $0 == " " }.count, 4)
        let content = String(afterMarker.dropFirst(spaces))
        return ListMarker(number: number, contentIndent: indent + markerWidth + spaces, content: content)
    }

    private func parseList(first: ListMarker, lines: [Line], at index: Int, nesting: Int) throws -> (MarkdownBlock, Int) {
        let numbered = first.number != nil
        var items: [[Line]] = []
        var current: [Line] = [Line(text: first.content, number: lines[index].number)]
        var contentIndent = first.contentIndent
        var cursor = index + 1
        while cursor < lines.count {
            let line = lines[cursor]
            if line.text.trimmingSpaces.isEmpty {
                // A blank line continues the item only if indented content follows.
                var next = cursor + 1
                while next < lines.count, lines[next].text.trimmingSpaces.isEmpty { next += 1 }
                guard next < lines.count else { break }
                let following = lines[next].text
                if following.leadingSpaces >= contentIndent {
                    current.append(Line(text: "", number: line.number))
                    cursor += 1
                    continue
                }
                if let marker = Self.listMarker(following), (marker.number != nil) == numbered, !Self.isThematicBreak(following) {
                    cursor = next
                    continue
                }
                break
            }
            if line.text.leadingSpaces >= contentIndent {
                current.append(Line(text: String(line.text.dropFirst(contentIndent)), number: line.number))
            } else if let marker = Self.listMarker(line.text), !Self.isThematicBreak(line.text) {
                guard (marker.number != nil) == numbered else { break }
                items.append(current)
                current = [Line(text: marker.content, number: line.number)]
                contentIndent = marker.contentIndent
            } else if let last = current.last, !last.text.trimmingSpaces.isEmpty, !Self.endsParagraph(lines, at: cursor) {
                // A lazy continuation line of the item's paragraph.
                current.append(Line(text: line.text.trimmingSpaces, number: line.number))
            } else {
                break
            }
            cursor += 1
        }
        items.append(current)
        let parsed = try items.map { try parse($0, nesting: nesting + 1).map(\.block) }
        if let start = first.number {
            return (.numberedList(start: start, parsed), cursor)
        }
        return (.bulletList(parsed), cursor)
    }

    // MARK: Tables

    private static func cells(_ text: String) -> [String] {
        var row = text.trimmingSpaces
        if row.hasPrefix("|") { row.removeFirst() }
        if row.hasSuffix("|"), !row.hasSuffix("\\|") { row.removeLast() }
        var cells: [String] = []
        var cell = ""
        var inCode = false
        var escaped = false
        for character in row {
            if escaped {
                if character != "|" { cell.append("\\") }
                cell.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "`" {
                inCode.toggle()
                cell.append(character)
            } else if character == "|", !inCode {
                cells.append(cell.trimmingSpaces)
                cell = ""
            } else {
                cell.append(character)
            }
        }
        if escaped { cell.append("\\") }
        cells.append(cell.trimmingSpaces)
        return cells
    }

    private static func alignments(ofDelimiterRow text: String) -> [OutputTable.Alignment]? {
        guard text.contains("-") else { return nil }
        let cells = cells(text)
        var alignments: [OutputTable.Alignment] = []
        for cell in cells {
            let dashes = cell.trimmingEdges(of: ":")
            guard !dashes.isEmpty, dashes.allSatisfy({ $0 == "-" }) else { return nil }
            // The model has no centre alignment; a centred column is drawn left-aligned.
            alignments.append(cell.hasSuffix(":") && !cell.hasPrefix(":") ? .right : .left)
        }
        return alignments
    }

    static func startsTable(_ lines: [Line], at index: Int) -> Bool {
        guard index + 1 < lines.count, lines[index].text.contains("|"),
              let alignments = alignments(ofDelimiterRow: lines[index + 1].text) else { return false }
        return cells(lines[index].text).count == alignments.count
    }

    private func parseTable(lines: [Line], at index: Int) -> (MarkdownBlock, Int) {
        let header = Self.cells(lines[index].text)
        let alignments = Self.alignments(ofDelimiterRow: lines[index + 1].text) ?? []
        var rows: [[[MarkdownInline]]] = []
        var cursor = index + 2
        while cursor < lines.count {
            let text = lines[cursor].text
            guard !text.trimmingSpaces.isEmpty, text.contains("|"), Self.heading(text) == nil,
                  Self.fenceOpening(text) == nil, Self.quoteContent(text) == nil else { break }
            var cells = Self.cells(text)
            if cells.count > header.count {
                // Keep surplus cells visible in the last column instead of dropping them.
                let surplus = cells[(header.count - 1)...].joined(separator: " | ")
                cells = Array(cells.prefix(header.count - 1)) + [surplus]
            }
            cells += Array(repeating: "", count: header.count - cells.count)
            rows.append(cells.map(MarkdownInlineParser.parse))
            cursor += 1
        }
        return (.table(header: header.map(MarkdownInlineParser.parse), alignments: alignments, rows: rows), cursor)
    }

    // MARK: Line classification

    static func heading(_ text: String) -> (level: Int, text: String)? {
        let indent = text.leadingSpaces
        guard indent <= 3 else { return nil }
        let rest = text.dropFirst(indent)
        let level = rest.prefix { $0 == "#" }.count
        guard (1...6).contains(level) else { return nil }
        let after = rest.dropFirst(level)
        guard after.isEmpty || after.first == " " else { return nil }
        var content = String(after).trimmingSpaces
        // A closing run of #s preceded by a space is not part of the heading.
        let closing = content.reversed().prefix { $0 == "#" }.count
        if closing > 0 {
            let kept = content.dropLast(closing)
            if kept.isEmpty || kept.hasSuffix(" ") { content = String(kept).trimmingSpaces }
        }
        return (level, content)
    }

    static func isThematicBreak(_ text: String) -> Bool {
        guard text.leadingSpaces <= 3 else { return false }
        let marks = text.filter { $0 != " " }
        guard let first = marks.first, first == "-" || first == "*" || first == "_" else { return false }
        return marks.count >= 3 && marks.allSatisfy { $0 == first }
    }

    /// Whether the line at `index` ends a paragraph: a blank line or the start of another block.
    static func endsParagraph(_ lines: [Line], at index: Int) -> Bool {
        let text = lines[index].text
        return text.trimmingSpaces.isEmpty || heading(text) != nil || isThematicBreak(text)
            || fenceOpening(text) != nil || quoteContent(text) != nil
            || (listMarker(text).map { !$0.content.isEmpty } ?? false) || startsTable(lines, at: index)
    }

    static func expandingTabs(_ line: String) -> String {
        guard line.contains("\t") else { return line }
        var expanded = ""
        for character in line {
            if character == "\t" {
                expanded += String(repeating: " ", count: 4 - expanded.count % 4)
            } else {
                expanded.append(character)
            }
        }
        return expanded
    }
}

extension MarkdownParser: Sendable {}

extension StringProtocol {
    /// The number of spaces the text starts with.
    var leadingSpaces: Int { prefix { $0 == " " }.count }

    /// The text without spaces at either end.
    var trimmingSpaces: String {
        let start = firstIndex { $0 != " " } ?? endIndex
        let end = lastIndex { $0 != " " }.map { index(after: $0) } ?? start
        return start < end ? String(self[start..<end]) : ""
    }

    /// The text without any of `characters` at either end.
    func trimmingEdges(of characters: String) -> String {
        let start = firstIndex { !characters.contains($0) } ?? endIndex
        let end = lastIndex { !characters.contains($0) }.map { index(after: $0) } ?? start
        return start < end ? String(self[start..<end]) : ""
    }
}
