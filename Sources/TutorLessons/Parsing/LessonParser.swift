import QLoRAEngine

/// Reads a lesson file: front matter, then Markdown split into steps at `##` headings, with
/// fenced `qlora` blocks turned into live blocks and `qlora-quiz` blocks into quizzes.
///
/// Every mistake is an `InputError` whose source is `file:line` and whose message says what was
/// expected there; parsing stops at the first one.
public struct LessonParser {
    /// The sections live blocks may run.
    public var registry: SectionRegistry

    public init(registry: SectionRegistry = .standard) {
        self.registry = registry
    }

    /// The keys a lesson's front matter may have.
    static let frontMatterKeys = ["title", "section"]

    /// Parses a lesson file, or throws why it could not be read.
    public func parse(_ file: Course.File) throws -> Lesson {
        if let unreadable = file.unreadable { throw unreadable }
        return try parse(file.text, id: file.lessonID, sourcePath: file.path)
    }

    /// Parses the text of the lesson `id` read from `sourcePath`.
    public func parse(_ text: String, id: String, sourcePath: String) throws -> Lesson {
        let lines = MarkdownParser.lines(of: text)
        try Self.requirePrintable(lines, source: sourcePath)
        let (title, section, bodyStart) = try parseFrontMatter(lines, source: sourcePath)
        let body = Array(lines[bodyStart...])
        let markdown = MarkdownParser(source: sourcePath)
        var steps: [Step] = []
        var opening = Step(title: title, line: bodyStart + 1, blocks: [])
        var liveBlocks: [LiveBlock] = []
        var ids: [String: Int] = [:]

        func claim(_ blockID: String, line: Int) throws {
            if let first = ids[blockID] {
                throw InputError("\(sourcePath):\(line)", "duplicate id `\(blockID)` (first used on line \(first)); expected ids unique within the lesson")
            }
            ids[blockID] = line
        }

        let items = try markdown.parse(body)
        // Live blocks are parsed once, by position: a prediction quiz reads the ones below it
        // before the walk reaches them.
        var parsedLiveBlocks: [Int: LiveBlock] = [:]
        func liveBlock(at index: Int) throws -> LiveBlock? {
            guard case .code(language: "qlora", let yaml) = items[index].block else { return nil }
            if let parsed = parsedLiveBlocks[index] { return parsed }
            let ordinal = items[...index].filter { if case .code(language: "qlora", _) = $0.block { true } else { false } }.count
            let live = try parseLiveBlock(yaml, line: items[index].line, defaultID: "\(id)#\(ordinal)", source: sourcePath)
            parsedLiveBlocks[index] = live
            return live
        }
        /// The live blocks after `index` up to the next step.
        func liveBlocksBelow(_ index: Int) throws -> [LiveBlock] {
            var below: [LiveBlock] = []
            for next in items.indices.dropFirst(index + 1) {
                if case .heading(level: 2, _) = items[next].block { break }
                if let live = try liveBlock(at: next) { below.append(live) }
            }
            return below
        }

        for (index, located) in items.enumerated() {
            let block: LessonBlock
            switch located.block {
            case .heading(level: 2, let inlines):
                if steps.isEmpty, !opening.blocks.isEmpty || !opening.notes.isEmpty { steps.append(opening) }
                steps.append(Step(title: inlines.map(\.plainText).joined(), line: located.line, blocks: []))
                continue
            case .code(language: "qlora", _):
                guard let live = try liveBlock(at: index) else { continue }
                try claim(live.id, line: located.line)
                liveBlocks.append(live)
                block = .live(live)
            case .code(language: "qlora-quiz", let yaml):
                let quiz = try parseQuiz(
                    yaml, line: located.line, liveBlocks: liveBlocks, belowInStep: { try liveBlocksBelow(index) }, source: sourcePath)
                try claim(quiz.id, line: located.line)
                block = .quiz(quiz)
            case .code(language: "qlora-notes", let text):
                let notes = try markdown.parse(MarkdownParser.lines(of: text, firstLine: located.line + 1)).map(\.block)
                guard !notes.isEmpty else {
                    throw InputError("\(sourcePath):\(located.line)", "empty `qlora-notes` block; expected what the presenter should say")
                }
                if steps.isEmpty { opening.notes += notes } else { steps[steps.count - 1].notes += notes }
                continue
            case .code(let language, _) where language.hasPrefix("qlora"):
                throw InputError(
                    "\(sourcePath):\(located.line)",
                    "unknown block kind `\(language)`; expected `qlora` (a live block), `qlora-quiz` or `qlora-notes`")
            default:
                block = .markdown(located.block, line: located.line)
            }
            if steps.isEmpty {
                opening.blocks.append(block)
            } else {
                steps[steps.count - 1].blocks.append(block)
            }
        }
        if steps.isEmpty {
            guard !opening.blocks.isEmpty else {
                throw InputError("\(sourcePath):\(opening.line)", "expected the lesson's text after the front matter, found nothing")
            }
            steps.append(opening)
        }
        return Lesson(id: id, title: title, section: section, steps: steps, sourcePath: sourcePath)
    }

    /// Refuses control characters (a NUL, an escape sequence): a lesson is text, and none of its
    /// strings may reach a terminal able to move the cursor or retitle the window.
    private static func requirePrintable(_ lines: [MarkdownParser.Line], source: String) throws {
        for line in lines {
            guard let (column, scalar) = line.text.unicodeScalars.enumerated().first(where: { $0.element.isControlCharacter }) else { continue }
            throw InputError(
                "\(source):\(line.number)",
                "control character \(scalar.codePointName) at column \(column + 1); expected printable text")
        }
    }

    private func parseFrontMatter(_ lines: [MarkdownParser.Line], source: String) throws -> (title: String, section: String, bodyStart: Int) {
        let expectation = "expected front matter: a first line `---`, then `title:` and `section:` lines, then `---`"
        guard let first = lines.first, first.text.trimmingSpaces == "---" else {
            throw InputError("\(source):1", expectation)
        }
        guard let close = lines.indices.dropFirst().first(where: { ["---", "..."].contains(lines[$0].text.trimmingSpaces) }) else {
            throw InputError("\(source):1", "front matter is not closed; expected a `---` line after it")
        }
        let yaml = lines[1..<close].map(\.text).joined(separator: "\n")
        guard !yaml.trimmingSpaces.isEmpty else { throw InputError("\(source):1", expectation) }
        let pairs = try LessonYAML.mapping(yaml, source: source, firstLine: 2, what: "the front matter")
        var values: [String: String] = [:]
        for pair in pairs {
            guard Self.frontMatterKeys.contains(pair.key) else {
                throw pair.keyNode.failure("unknown front matter key `\(pair.key)`; expected one of \(Self.frontMatterKeys.joined(separator: ", "))")
            }
            values[pair.key] = try pair.value.nonEmptyText("the lesson's \(pair.key)")
        }
        for key in Self.frontMatterKeys where values[key] == nil {
            throw InputError("\(source):1", "front matter has no `\(key):`; expected one")
        }
        return (values["title"] ?? "", values["section"] ?? "", close + 1)
    }

    /// Whether `text` can be an id: letters, digits, `-`, `_` and `.`, starting with a letter or digit.
    static func isValidID(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first.isASCIIAlphanumeric else { return false }
        return text.unicodeScalars.allSatisfy { $0.isASCIIAlphanumeric || "-_.".unicodeScalars.contains($0) }
    }
}

extension LessonParser: Sendable {}

extension Unicode.Scalar {
    /// An ASCII letter or digit.
    var isASCIIAlphanumeric: Bool {
        ("a"..."z").contains(self) || ("A"..."Z").contains(self) || ("0"..."9").contains(self)
    }
}
