import TutorLessons

/// A table with aligned columns, a bold header and a rule under it.
///
/// When the columns do not fit, the widest are narrowed and their cells end in `…`.
public struct TableWidget: LineWidget {
    public var table: OutputTable
    public var theme: Theme

    static let gap = 2

    public init(_ table: OutputTable, theme: Theme) {
        self.table = table
        self.theme = theme
    }

    /// The table laid out in `width` columns.
    public func lines(width: Int) -> [StyledLine] {
        guard width > 0 else { return [] }
        let widths = columnWidths(fitting: width)
        var lines: [StyledLine] = []
        if let title = table.title { lines.append(StyledLine(Self.truncated(title, to: width), style: theme.strong)) }
        lines.append(row(table.headers, widths: widths, style: theme.strong))
        let ruleWidth = min(width, widths.reduce(0, +) + Self.gap * max(0, widths.count - 1))
        lines.append(StyledLine(String(repeating: "─", count: ruleWidth), style: theme.border))
        for cells in table.rows { lines.append(row(cells, widths: widths, style: theme.text)) }
        return lines
    }

    private func row(_ cells: [String], widths: [Int], style: Style) -> StyledLine {
        var spans: [StyledLine.Span] = []
        for (column, width) in widths.enumerated() {
            let text = Self.truncated(column < cells.count ? cells[column] : "", to: width)
            let padding = String(repeating: " ", count: max(0, width - text.terminalWidth))
            let alignment = column < table.alignments.count ? table.alignments[column] : .left
            let padded = alignment == .right ? padding + text : text + padding
            spans.append(StyledLine.Span(column + 1 < widths.count ? padded + "  " : padded, style: style))
        }
        return StyledLine(spans)
    }

    /// Each column as wide as its widest cell, the widest shrunk first until the table fits.
    func columnWidths(fitting width: Int) -> [Int] {
        let columnCount = max(table.headers.count, table.rows.map(\.count).max() ?? 0)
        var widths = (0..<columnCount).map { column in
            ([table.headers] + table.rows).map { column < $0.count ? $0[column].terminalWidth : 0 }.max() ?? 0
        }
        let available = width - Self.gap * max(0, columnCount - 1)
        while widths.reduce(0, +) > max(0, available), let widest = widths.indices.max(by: { widths[$0] < widths[$1] }), widths[widest] > 1 {
            widths[widest] -= 1
        }
        return widths
    }

    /// The text cut to `width` columns, ending in `…` when something was cut.
    static func truncated(_ text: String, to width: Int) -> String {
        guard text.terminalWidth > width else { return text }
        guard width > 1 else { return width == 1 ? "…" : "" }
        var result = "", used = 0
        for character in text {
            let columns = String(character).terminalWidth
            if used + columns > width - 1 { break }
            result.append(character)
            used += columns
        }
        return result + "…"
    }
}
