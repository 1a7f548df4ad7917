import Foundation

/// How the engine's commands print: aligned text columns for people, stable JSON for scripts.
enum CommandOutput {
    /// Columns padded to their widest cell, two spaces apart; with `numeric`, every column after
    /// the first is right-aligned so digits line up.
    static func alignedLines(_ rows: [[String]], numeric: Bool = true) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in
            rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0
        }
        return rows.map { row in
            row.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return numeric && column > 0 ? padding + cell : cell + padding
            }
            .joined(separator: "  ")
            .trimmingTrailingSpaces()
        }
    }

    /// `value` as pretty-printed JSON with snake_case keys in sorted order, the shape every
    /// command's `--json` documents.
    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }
}
