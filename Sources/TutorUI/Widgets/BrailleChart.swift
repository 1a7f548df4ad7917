import QLoRAEngine
import TutorLessons

/// Lines drawn with braille dots (2×4 per character), with a y axis, an x axis and a legend.
public struct BrailleChart: Widget {
    public var series: Series
    public var theme: Theme
    /// Rows for the plot.
    public var plotRows: Int

    public init(_ series: Series, theme: Theme, plotRows: Int? = nil) {
        self.series = series
        self.theme = theme
        self.plotRows = plotRows ?? (theme.isProjector ? 14 : 10)
    }

    public func height(forWidth width: Int) -> Int { plotRows + 3 }

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

    public func draw(in rect: Rect, on screen: inout Screen) {
        guard !rect.isEmpty else { return }
        let (titleRow, rest) = rect.splitTop(1)
        screen.put(series.title, x: titleRow.x, y: titleRow.y, style: theme.strong, limit: titleRow.maxX)
        let (upper, legendRow) = rest.splitBottom(rest.height >= 4 ? 1 : 0)
        let (plotAndAxis, xLabelRow) = upper.splitBottom(upper.height >= 3 ? 1 : 0)
        let (low, high) = valueRange
        let highLabel = NumberFormat.compact(high), lowLabel = NumberFormat.compact(low)
        let labelWidth = max(highLabel.count, lowLabel.count)
        let plotArea = plotAndAxis.inset(left: labelWidth + 1, bottom: 1)
        guard plotArea.width > 0, plotArea.height > 0 else { return }
        // Axes.
        for row in 0..<plotArea.height { screen[plotArea.x - 1, plotArea.y + row] = Cell("│", style: theme.border) }
        screen[plotArea.x - 1, plotArea.maxY] = Cell("└", style: theme.border)
        screen.fill(Rect(x: plotArea.x, y: plotArea.maxY, width: plotArea.width, height: 1), with: Cell("─", style: theme.border))
        screen.put(highLabel, x: plotArea.x - 1 - highLabel.count, y: plotArea.y, style: theme.dim)
        screen.put(lowLabel, x: plotArea.x - 1 - lowLabel.count, y: plotArea.maxY - 1, style: theme.dim)
        // Dots, line by line; a cell takes the colour of the last line through it.
        let dotColumns = plotArea.width * 2, dotRows = plotArea.height * 4
        var bits = [UInt32](repeating: 0, count: plotArea.width * plotArea.height)
        var colors = [Color](repeating: .terminalDefault, count: bits.count)
        let points = series.lines.map(\.values.count).max() ?? 0
        for (index, line) in series.lines.enumerated() {
            let color = theme.seriesColors[index % theme.seriesColors.count]
            var previous: (x: Int, y: Int)?
            for (i, value) in line.values.enumerated() {
                guard value.isFinite else { previous = nil; continue }
                let x = points > 1 ? i * (dotColumns - 1) / (points - 1) : 0
                // In Double: a Float span can overflow, and a flat range of large values stays flat after widening by 1.
                let span = Double(high) - Double(low)
                let fraction = span > 0 ? (Double(value) - Double(low)) / span : 0.5
                let y = dotRows - 1 - Int((fraction * Double(dotRows - 1)).rounded())
                for (px, py) in Self.segment(from: previous ?? (x, y), to: (x, y)) {
                    let cell = (py / 4) * plotArea.width + px / 2
                    guard px >= 0, py >= 0, px < dotColumns, py < dotRows, cell < bits.count else { continue }
                    bits[cell] |= Self.dotBit(column: px % 2, row: py % 4)
                    colors[cell] = color
                }
                previous = (x, y)
            }
        }
        for (cell, bit) in bits.enumerated() where bit != 0 {
            let character = Unicode.Scalar(0x2800 + bit) ?? "·"
            screen[plotArea.x + cell % plotArea.width, plotArea.y + cell / plotArea.width] = Cell(character, style: Style(foreground: colors[cell], background: theme.base.background))
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
        if !legendRow.isEmpty {
            var x = legendRow.x
            let yLabel = series.yLabel.isEmpty ? "" : series.yLabel + ":  "
            x = screen.put(yLabel, x: x, y: legendRow.y, style: theme.dim, limit: legendRow.maxX)
            for (index, line) in series.lines.enumerated() {
                let color = theme.seriesColors[index % theme.seriesColors.count]
                x = screen.put("━━ ", x: x, y: legendRow.y, style: Style(foreground: color, background: theme.base.background), limit: legendRow.maxX)
                let last = line.values.last(where: \.isFinite).map { " " + NumberFormat.compact($0) } ?? ""
                x = screen.put(line.name + last + "   ", x: x, y: legendRow.y, style: theme.text, limit: legendRow.maxX)
            }
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
