import TutorLessons

/// Markdown blocks laid out as wrapped, styled lines: headings, paragraphs, lists, quotes, code, tables.
///
/// In projector mode top-level headings are drawn in `BlockLetters` when they fit.
public struct MarkdownWidget: LineWidget {
    public var blocks: [MarkdownBlock]
    public var theme: Theme

    public init(_ blocks: [MarkdownBlock], theme: Theme) {
        self.blocks = blocks
        self.theme = theme
    }

    /// Every block laid out in `width` columns, with one blank line between blocks.
    public func lines(width: Int) -> [StyledLine] {
        guard width > 0 else { return [] }
        var lines: [StyledLine] = []
        for (index, block) in blocks.enumerated() {
            if index > 0 { lines.append(StyledLine()) }
            lines += layout(block, width: width)
        }
        return lines
    }

    func layout(_ block: MarkdownBlock, width: Int) -> [StyledLine] {
        switch block {
        case .heading(let level, let inlines):
            let text = inlines.map(\.plainText).joined()
            if theme.isProjector, level <= 2, let rows = BlockLetters.wrappedRows(text, width: width, maximumLines: 3) {
                return rows.map { StyledLine($0, style: theme.heading) }
            }
            let style = level <= 2 ? theme.heading : theme.strong
            var lines = StyledLine(text, style: style).wrapped(width: width)
            if level == 1 { lines.append(StyledLine(String(repeating: "━", count: min(width, text.terminalWidth)), style: theme.heading)) }
            return lines
        case .paragraph(let inlines):
            return StyledLine(spans(inlines, style: theme.text)).wrapped(width: width)
        case .bulletList(let items):
            return items.flatMap { item(blocks: $0, marker: "• ", width: width) }
        case .numberedList(let start, let items):
            let markerWidth = "\(start + items.count - 1). ".count
            return items.enumerated().flatMap { offset, blocks in
                let marker = "\(start + offset). "
                return item(blocks: blocks, marker: String(repeating: " ", count: markerWidth - marker.count) + marker, width: width)
            }
        case .blockQuote(let blocks):
            let inner = MarkdownWidget(blocks, theme: theme.quoted)
            return prefixed(inner.lines(width: width - 2), first: "│ ", rest: "│ ", style: theme.quote)
        case .code(_, let text):
            return CodeBlock(text, theme: theme).lines(width: width)
        case .table(let header, let alignments, let rows):
            let table = OutputTable(
                headers: header.map { $0.map(\.plainText).joined() }, alignments: alignments,
                rows: rows.map { $0.map { $0.map(\.plainText).joined() } })
            return TableWidget(table, theme: theme).lines(width: width)
        case .thematicBreak:
            return [StyledLine(String(repeating: "─", count: width), style: theme.border)]
        }
    }

    /// A list item: its marker on the first line, its blocks indented under it.
    private func item(blocks: [MarkdownBlock], marker: String, width: Int) -> [StyledLine] {
        let indent = marker.terminalWidth
        let inner = MarkdownWidget(blocks, theme: theme).lines(width: width - indent)
        return prefixed(inner, first: marker, rest: String(repeating: " ", count: indent), style: theme.accent)
    }

    private func prefixed(_ lines: [StyledLine], first: String, rest: String, style: Style) -> [StyledLine] {
        return lines.enumerated().map { index, line in
            StyledLine([StyledLine.Span(index == 0 ? first : rest, style: style)] + line.spans, fill: line.fill)
        }
    }

    /// Inline Markdown as styled spans.
    func spans(_ inlines: [MarkdownInline], style: Style) -> [StyledLine.Span] {
        inlines.flatMap { inline -> [StyledLine.Span] in
            switch inline {
            case .text(let text): [StyledLine.Span(text, style: style)]
            case .code(let code): [StyledLine.Span(code, style: theme.code)]
            case .emphasis(let children): spans(children, style: style.adding(theme.emphasis.attributes))
            case .strong(let children): spans(children, style: style.adding(.bold))
            case .link(let text, _): spans(text, style: theme.link)
            }
        }
    }
}

extension Theme {
    /// The theme for text inside a block quote: the quote's colour for ordinary text.
    var quoted: Theme {
        var theme = self
        theme.text = quote
        return theme
    }
}
