/// Draws lessons and outputs as plain text: for `qlora-tutor run`, pipes and `TERM=dumb`.
///
/// No colour and no escape sequences; heatmaps become ASCII density ramps, histograms bars of `#`.
public struct PlainTextRenderer {
    /// The widest a line may be, from 20 to 1000 columns.
    public var width: Int

    public init(width: Int = 80) {
        self.width = min(max(width, 20), 1000)
    }

    /// A lesson's steps in `steps` (all when nil), each live block run as written, or with
    /// `tweaks` applied to the blocks that offer them.
    public func render(_ lesson: Lesson, steps: Range<Int>? = nil, tweaks: [String: ParameterValue] = [:], runner: LessonRunner) -> String {
        let range = (steps ?? lesson.steps.indices).clamped(to: lesson.steps.indices)
        var lines = ["\(lesson.title)  (\(lesson.id))"]
        for index in range {
            let step = lesson.steps[index]
            let heading = "Step \(index + 1)/\(lesson.steps.count): \(step.title)"
            lines += ["", heading, String(repeating: "=", count: min(heading.count, width))]
            for block in step.blocks {
                lines.append("")
                lines += render(block, tweaks: tweaks, runner: runner)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func render(_ block: LessonBlock, tweaks: [String: ParameterValue], runner: LessonRunner) -> [String] {
        switch block {
        case .markdown(let markdown, _):
            return render(markdown)
        case .live(let live):
            let offered = tweaks.filter { name, _ in live.tweaks.contains { $0.parameter == name } }
            var lines = wrap("[\(live.section)] \(live.parameters.merging(offered).canonicalText)")
            do {
                let run = try runner.run(live, tweaks: offered)
                for output in run.outputs {
                    lines.append("")
                    lines += render(output).map { $0.trimmingTrailingSpaces }
                }
                if !run.expectations.isEmpty { lines.append("") }
                for outcome in run.expectations {
                    let verdict = outcome.isHeldAtDefaultOnly ? "holds at the default; now" : outcome.passed ? "holds" : "FAILS"
                    lines += wrap("expect \(outcome.expectation.text): \(verdict) (\(outcome.valuesText))")
                }
                if !live.tweaks.isEmpty {
                    lines += wrap("try: " + live.tweaks.map { "\($0.parameter) (\($0.allowed.description))" }.joined(separator: "; "))
                }
            } catch {
                lines.append("error: \(describe(error))")
            }
            return lines
        case .quiz(let quiz):
            var lines = wrap("Quiz (\(quiz.id)): " + plain(quiz.question))
            for (index, choice) in quiz.choices.enumerated() {
                lines.append("  \(index + 1). \(choice)")
            }
            for hint in quiz.hints {
                lines += wrap("Hint: \(hint)", indent: "  ")
            }
            return lines
        }
    }

    // MARK: Markdown

    /// A Markdown block as plain text lines.
    public func render(_ block: MarkdownBlock) -> [String] {
        switch block {
        case .heading(let level, let inlines):
            let text = plain(inlines)
            switch level {
            case 1: return [text, String(repeating: "=", count: min(text.count, width))]
            case 2: return [text, String(repeating: "-", count: min(text.count, width))]
            default: return [text]
            }
        case .paragraph(let inlines):
            return wrap(plain(inlines))
        case .bulletList(let items):
            return items.flatMap { item in indent(item, first: "  - ", rest: "    ") }
        case .numberedList(let start, let items):
            return items.enumerated().flatMap { offset, item in
                let marker = "  \(start + offset). "
                return indent(item, first: marker, rest: String(repeating: " ", count: marker.count))
            }
        case .blockQuote(let blocks):
            return indent(blocks, first: "> ", rest: "> ")
        case .code(_, let text):
            return text.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }
        case .table(let header, let alignments, let rows):
            return table(headers: header.map(plain), alignments: alignments, rows: rows.map { $0.map(plain) })
        case .thematicBreak:
            return [String(repeating: "-", count: min(40, width))]
        }
    }

    /// Inline Markdown as text: code keeps its backticks, a link shows its destination.
    func plain(_ inlines: [MarkdownInline]) -> String {
        inlines.map { inline in
            switch inline {
            case .text(let text): text
            case .code(let code): "`\(code)`"
            case .emphasis(let children), .strong(let children): plain(children)
            case .link(let text, let destination): "\(plain(text)) <\(destination)>"
            }
        }.joined()
    }

    /// Blocks drawn narrower by the width of a prefix, then prefixed: `first` on the first line, `rest` after.
    private func indent(_ blocks: [MarkdownBlock], first: String, rest: String) -> [String] {
        let inner = PlainTextRenderer(width: width - first.count)
        return blocks.flatMap { inner.render($0) }.enumerated().map { ($0.offset == 0 ? first : rest) + $0.element }
    }

    /// Words wrapped to the width; a word longer than a line gets a line of its own.
    func wrap(_ text: String, indent: String = "") -> [String] {
        var lines: [String] = []
        var line = indent
        for word in text.split(separator: " ") {
            if line.count > indent.count, line.count + 1 + word.count > width {
                lines.append(line)
                line = indent
            }
            line += (line.count > indent.count ? " " : "") + word
        }
        if line.count > indent.count || lines.isEmpty { lines.append(line) }
        return lines
    }

    /// Columns padded to their widest cell and separated by two spaces, a rule under the headers.
    func table(title: String? = nil, headers: [String], alignments: [OutputTable.Alignment], rows: [[String]]) -> [String] {
        let (lines, widths) = Self.aligned([headers] + rows, alignments: alignments)
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return (title.map { [$0] } ?? []) + lines.prefix(1) + [rule] + lines.dropFirst()
    }

    /// Rows with each column padded to its widest cell (right-aligned where `alignments` says so),
    /// two spaces apart and without trailing spaces; short rows count as ending in empty cells.
    static func aligned(_ rows: [[String]], alignments: [OutputTable.Alignment]) -> (lines: [String], widths: [Int]) {
        let columns = rows.map(\.count).max() ?? 0
        let all = rows.map { $0 + Array(repeating: "", count: columns - $0.count) }
        let widths = (0..<columns).map { column in all.map { $0[column].count }.max() ?? 0 }
        let lines = all.map { row in
            row.indices.map { column in
                let padding = String(repeating: " ", count: widths[column] - row[column].count)
                let right = column < alignments.count && alignments[column] == .right
                return right ? padding + row[column] : row[column] + padding
            }.joined(separator: "  ").trimmingTrailingSpaces
        }
        return (lines, widths)
    }
}

extension PlainTextRenderer: Sendable {}

extension String {
    /// The line without spaces at its end.
    var trimmingTrailingSpaces: String {
        var line = self
        while line.hasSuffix(" ") { line.removeLast() }
        return line
    }
}
