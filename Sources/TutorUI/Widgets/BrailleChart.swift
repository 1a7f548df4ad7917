import QLoRAEngine
import TutorLessons

/// Lines drawn with braille dots (2×4 per character), with a y axis, an x axis and a legend.
public struct BrailleChart: Widget {
    public var series: Series
    public var theme: Theme
    /// Rows for the plot.
    public var plotRows: Int
    /// How much of each line to draw, 0...1, while a finished curve draws itself in; nil for all of it.
    public var revealFraction: Double?

    /// Legend marks, one per line: distinct without colour too.
    static let marks = ["━━", "──", "┅┅", "··", "══", "┄┄"]

    public init(_ series: Series, theme: Theme, plotRows: Int? = nil, revealFraction: Double? = nil) {
        self.series = series
        self.theme = theme
        self.plotRows = plotRows ?? (theme.isProjector ? 14 : 10)
        self.revealFraction = revealFraction
    }

    /// The values of a line drawn now: all of them, or the first part while revealing.
    func shownCount(of line: Series.Line) -> Int {
        guard let revealFraction else { return line.values.count }
        return min(line.values.count, Int((Double(line.values.count) * max(0, revealFraction)).rounded(.up)))
    }

    /// Whether the chart is colourless, so lines are told apart by letters at their ends and the legend's marks.
    var isMonochrome: Bool { theme.depth == .monochrome }

    /// Title, plot, x axis labels, and the legend's rows: more than one when its entries do not
    /// fit the width side by side (four lines with their notes, at 80 columns).
    public func height(forWidth width: Int) -> Int { plotRows + 2 + legendRows(forWidth: width) }

    /// Rows the legend takes at `width` under a plot of `plotRows` rows.
    func legendRows(forWidth width: Int) -> Int {
        let plotArea = Rect(x: 0, y: 0, width: width - labelWidth - 1, height: plotRows - 1)
        guard plotArea.width > 0, plotArea.height > 0 else { return 1 }
        return max(1, Self.wrap(legendEntries(plot(in: plotArea)).map(\.width), width: width, lead: legendLead.count).count)
    }

    /// The bit of a braille character for the dot at (column 0–1, row 0–3) of its cell.
    static func dotBit(column: Int, row: Int) -> UInt32 {
        let bits: [[UInt32]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]
        return bits[column][row]
    }

    /// The smallest and largest finite value over every line (a flat range is widened).
    var valueRange: (low: Float, high: Float) {
        let values = series.lines.flatMap(\.values).filter(\.isFinite)
        guard let low = values.min(), let high = values.max() else { return (0, 1) }
        return low == high ? (low - 1, high + 1) : (low, high)
    }

    /// Characters the y axis labels take.
    var labelWidth: Int {
        let (low, high) = valueRange
        return max(NumberFormat.compact(high).count, NumberFormat.compact(low).count)
    }

    /// What the legend starts with: the y label, if any.
    var legendLead: String { series.yLabel.isEmpty ? "" : series.yLabel + ":  " }

    /// The dots of every line in a plot area's cells: each cell's braille bits, the lines through
    /// it, and the cell where each line ends.
    struct Plot {
        var bits: [UInt32]
        var owners: [Set<Int>]
        var ends: [(cell: Int, index: Int)] = []
    }

    func plot(in plotArea: Rect) -> Plot {
        let (low, high) = valueRange
        let dotColumns = plotArea.width * 2, dotRows = plotArea.height * 4
        var plot = Plot(
            bits: [UInt32](repeating: 0, count: plotArea.width * plotArea.height),
            owners: [Set<Int>](repeating: [], count: plotArea.width * plotArea.height))
        let points = series.lines.map(\.values.count).max() ?? 0
        for (index, line) in series.lines.enumerated() {
            var previous: (x: Int, y: Int)?
            for (i, value) in line.values.prefix(shownCount(of: line)).enumerated() {
                guard value.isFinite else { previous = nil; continue }
                let x = points > 1 ? i * (dotColumns - 1) / (points - 1) : 0
                // In Double: a Float span can overflow, and a flat range of large values stays flat after widening by 1.
                let span = Double(high) - Double(low)
                let fraction = span > 0 ? (Double(value) - Double(low)) / span : 0.5
                let y = dotRows - 1 - Int((fraction * Double(dotRows - 1)).rounded())
                for (px, py) in Self.segment(from: previous ?? (x, y), to: (x, y)) {
                    let cell = (py / 4) * plotArea.width + px / 2
                    guard px >= 0, py >= 0, px < dotColumns, py < dotRows, cell < plot.bits.count else { continue }
                    plot.bits[cell] |= Self.dotBit(column: px % 2, row: py % 4)
                    plot.owners[cell].insert(index)
                }
                previous = (x, y)
            }
            if let previous { plot.ends.append(((previous.y / 4) * plotArea.width + previous.x / 2, index)) }
        }
        return plot
    }

    /// One legend entry per line: its mark and its name, value and note.
    func legendEntries(_ plot: Plot) -> [(mark: String, text: String, width: Int)] {
        let hidden = Self.mostlyShared(plot.owners, lineCount: series.lines.count)
        return series.lines.enumerated().map { index, line in
            let mark = (isMonochrome ? (line.name.first.map { String($0).uppercased() } ?? "") : "") + Self.marks[index % Self.marks.count] + " "
            let shown = line.values.prefix(shownCount(of: line)).filter(\.isFinite)
            let value = switch series.legendValue {
            case .last: shown.last.map { " " + NumberFormat.compact($0) } ?? ""
            case .peak: shown.max().map { " peak " + NumberFormat.compact($0) } ?? ""
            }
            let under = hidden[index].map { " (≈ \(series.lines[$0].name))" } ?? ""
            let text = line.name + value + under
            return (mark, text, mark.terminalWidth + text.terminalWidth)
        }
    }

    /// Entries of these widths, three columns apart, in rows of `width` (the first after `lead`):
    /// the entries' indices row by row. An entry wider than a row has a row of its own.
    static func wrap(_ widths: [Int], width: Int, lead: Int) -> [[Int]] {
        var rows: [[Int]] = [[]]
        var x = lead
        for (index, entry) in widths.enumerated() {
            if !rows[rows.count - 1].isEmpty, x + entry > width {
                rows.append([])
                x = lead
            }
            rows[rows.count - 1].append(index)
            x += entry + 3
        }
        return rows
    }

    public func draw(in rect: Rect, on screen: inout Screen) {
        guard !rect.isEmpty else { return }
        let (titleRow, rest) = rect.splitTop(1)
        screen.put(TableWidget.truncated(series.title, to: titleRow.width), x: titleRow.x, y: titleRow.y, style: theme.strong, limit: titleRow.maxX)
        // The legend's rows: as many as it needs (see `height(forWidth:)`) while the plot keeps three.
        let legendHeight = rest.height >= 4 ? min(legendRows(forWidth: rect.width), max(1, rest.height - 4)) : 0
        let (upper, legendArea) = rest.splitBottom(legendHeight)
        let (plotAndAxis, xLabelRow) = upper.splitBottom(upper.height >= 3 ? 1 : 0)
        let (low, high) = valueRange
        let highLabel = NumberFormat.compact(high), lowLabel = NumberFormat.compact(low)
        let plotArea = plotAndAxis.inset(left: labelWidth + 1, bottom: 1)
        guard plotArea.width > 0, plotArea.height > 0 else { return }
        // Axes.
        for row in 0..<plotArea.height { screen[plotArea.x - 1, plotArea.y + row] = Cell("│", style: theme.border) }
        screen[plotArea.x - 1, plotArea.maxY] = Cell("└", style: theme.border)
        screen.fill(Rect(x: plotArea.x, y: plotArea.maxY, width: plotArea.width, height: 1), with: Cell("─", style: theme.border))
        screen.put(highLabel, x: plotArea.x - 1 - highLabel.count, y: plotArea.y, style: theme.dim)
        screen.put(lowLabel, x: plotArea.x - 1 - lowLabel.count, y: plotArea.maxY - 1, style: theme.dim)
        // Dots, line by line; a cell one line passes through takes its colour, a cell two or more
        // share takes the text colour, so a line under another still shows where they part.
        let plot = plot(in: plotArea)
        let points = series.lines.map(\.values.count).max() ?? 0
        let shared = theme.text.foreground
        for (cell, bit) in plot.bits.enumerated() where bit != 0 {
            let character = Unicode.Scalar(0x2800 + bit) ?? "·"
            let color = plot.owners[cell].count == 1 ? plot.owners[cell].first.map(color(of:)) ?? shared : shared
            screen[plotArea.x + cell % plotArea.width, plotArea.y + cell / plotArea.width] = Cell(character, style: Style(foreground: color, background: theme.base.background))
        }
        if isMonochrome {
            for end in plot.ends where end.cell < plot.bits.count {
                let initial = series.lines[end.index].name.first.map { String($0).uppercased() } ?? "?"
                screen.put(initial, x: plotArea.x + end.cell % plotArea.width, y: plotArea.y + end.cell / plotArea.width, style: theme.strong)
            }
        }
        if !xLabelRow.isEmpty {
            let last = "\(max(0, points - 1))"
            screen.put("0", x: plotArea.x, y: xLabelRow.y, style: theme.dim, limit: plotArea.maxX)
            let label = series.xLabel
            let labelX = plotArea.x + (plotArea.width - label.terminalWidth) / 2
            if labelX > plotArea.x + 1, labelX + label.terminalWidth < plotArea.maxX - last.count {
                screen.put(label, x: labelX, y: xLabelRow.y, style: theme.dim)
            }
            if plotArea.width > last.count + 1 { screen.put(last, x: plotArea.maxX - last.count, y: xLabelRow.y, style: theme.dim) }
        }
        guard !legendArea.isEmpty else { return }
        let entries = legendEntries(plot)
        let lead = legendLead
        screen.put(lead, x: legendArea.x, y: legendArea.y, style: theme.dim, limit: legendArea.maxX)
        var rows = Self.wrap(entries.map(\.width), width: legendArea.width, lead: lead.count)
        if rows.count > legendArea.height {
            // More rows than room: the rest join the last row, cut at the edge.
            rows = Array(rows.prefix(legendArea.height - 1)) + [Array(rows.dropFirst(legendArea.height - 1).joined())]
        }
        for (row, indices) in rows.enumerated() {
            let y = legendArea.y + row
            var x = legendArea.x + lead.count
            for index in indices {
                x = screen.put(entries[index].mark, x: x, y: y, style: Style(foreground: color(of: index), background: theme.base.background), limit: legendArea.maxX)
                x = screen.put(entries[index].text + "   ", x: x, y: y, style: theme.text, limit: legendArea.maxX)
            }
        }
    }

    private func color(of line: Int) -> Color { theme.seriesColors[line % theme.seriesColors.count] }

    /// For each line, another line it shares most of its cells with (so one hides the other), or nil.
    static func mostlyShared(_ owners: [Set<Int>], lineCount: Int) -> [Int?] {
        (0..<lineCount).map { line in
            let cells = owners.filter { $0.contains(line) }
            guard !cells.isEmpty else { return nil }
            var counts: [Int: Int] = [:]
            for cell in cells { for other in cell where other != line { counts[other, default: 0] += 1 } }
            guard let (other, count) = counts.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }) else { return nil }
            return count * 2 >= cells.count ? other : nil
        }
    }

    /// The dots of a straight line between two dots (Bresenham), both ends included.
    static func segment(from start: (x: Int, y: Int), to end: (x: Int, y: Int)) -> [(Int, Int)] {
        var points: [(Int, Int)] = []
        var x = start.x, y = start.y
        let dx = abs(end.x - x), dy = -abs(end.y - y)
        let sx = x < end.x ? 1 : -1, sy = y < end.y ? 1 : -1
        var error = dx + dy
        while true {
            points.append((x, y))
            if x == end.x && y == end.y { break }
            let doubled = 2 * error
            if doubled >= dy { error += dy; x += sx }
            if doubled <= dx { error += dx; y += sy }
        }
        return points
    }
}
