/// A live block's key numbers in big digits, each under its name, side by side and wrapping onto
/// more rows when the width runs out: what a projector shows so the back of the room can read them.
///
/// A number too wide for big digits even alone is drawn as ordinary bold text beside its name.
public struct HeadlineNumbers: Widget {
    /// A name and its number, already formatted.
    public var numbers: [(name: String, value: String)]
    public var theme: Theme

    /// Columns between two numbers.
    static let gap = 4

    public init(_ numbers: [(name: String, value: String)], theme: Theme) {
        self.numbers = numbers
        self.theme = theme
    }

    /// Columns one number takes: its big digits or its name, whichever is wider.
    static func width(of number: (name: String, value: String)) -> Int {
        max(BlockLetters.width(of: number.value), number.name.terminalWidth)
    }

    /// The numbers grouped into rows that fit `width`; a number that fits no row alone gets a row of its own.
    func rows(width: Int) -> [[(name: String, value: String)]] {
        var rows: [[(name: String, value: String)]] = []
        var used = 0
        for number in numbers {
            let needed = Self.width(of: number)
            if let last = rows.indices.last, !rows[last].isEmpty, used + Self.gap + needed <= width {
                rows[last].append(number)
                used += Self.gap + needed
            } else {
                rows.append([number])
                used = needed
            }
        }
        return rows
    }

    public func height(forWidth width: Int) -> Int {
        guard width > 0 else { return 0 }
        return rows(width: width).reduce(0) { total, row in
            total + (total > 0 ? 1 : 0) + (row.count == 1 && Self.width(of: row[0]) > width ? 1 : 1 + BlockLetters.height)
        }
    }

    public func draw(in rect: Rect, on screen: inout Screen) {
        guard !rect.isEmpty else { return }
        var y = rect.y
        for row in rows(width: rect.width) {
            if y > rect.y { y += 1 }
            if row.count == 1, Self.width(of: row[0]) > rect.width {
                let x = screen.put(row[0].name + " ", x: rect.x, y: y, style: theme.dim, limit: rect.maxX)
                screen.put(row[0].value, x: x, y: y, style: theme.strong, limit: rect.maxX)
                y += 1
                continue
            }
            var x = rect.x
            for number in row {
                screen.put(number.name, x: x, y: y, style: theme.dim, limit: rect.maxX)
                for (offset, line) in BlockLetters.rows(number.value).enumerated() {
                    screen.put(line, x: x, y: y + 1 + offset, style: theme.heading, limit: rect.maxX)
                }
                x += Self.width(of: number) + Self.gap
            }
            y += 1 + BlockLetters.height
        }
    }
}
