/// Rows of text printed in aligned columns, the way the engine commands show lists.
struct TextTable {
    /// The column titles, or nil for a table of label-value rows.
    var header: [String]?
    /// The cells, one array per row.
    var rows: [[String]] = []
    /// The columns aligned to the right: numbers, so their digits line up.
    var rightAligned: Set<Int> = []

    /// A table whose columns after the first are right-aligned, so the digits of numbers line up.
    static func numeric(_ rows: [[String]]) -> TextTable {
        TextTable(rows: rows, rightAligned: Set(1..<max(1, rows.map(\.count).max() ?? 0)))
    }

    /// The table as lines, columns separated by two spaces, trailing spaces trimmed.
    func render(indent: String = "") -> String {
        let all = (header.map { [$0] } ?? []) + rows
        let columnCount = all.map(\.count).max() ?? 0
        let widths = (0..<columnCount).map { column in
            all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0
        }
        return all.map { row in
            let cells = (0..<columnCount).map { column -> String in
                let cell = row.indices.contains(column) ? row[column] : ""
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return rightAligned.contains(column) ? padding + cell : cell + padding
            }
            let line = indent + cells.joined(separator: "  ")
            return String(line.reversed().drop(while: { $0 == " " }).reversed())
        }.joined(separator: "\n")
    }
}
