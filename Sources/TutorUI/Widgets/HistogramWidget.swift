import QLoRAEngine
import TutorLessons

/// A histogram in eighth blocks, with marked levels (a codebook's values) under its axis.
///
/// Bins are merged when there are more than columns, and widened when there are fewer, so the
/// histogram always spans the width it is given.
public struct HistogramWidget: Widget {
    public var histogram: Histogram
    public var theme: Theme
    /// Rows for the bars.
    public var barRows: Int

    static let eighths: [Unicode.Scalar] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    public init(_ histogram: Histogram, theme: Theme, barRows: Int? = nil) {
        self.histogram = histogram
        self.theme = theme
        self.barRows = barRows ?? (theme.isProjector ? 12 : 8)
    }

    public func height(forWidth width: Int) -> Int { barRows + 3 + (showsCounts(width: width) ? 1 : 0) }

    /// Whether the bins count integer codes: bins one unit wide from a whole number. The ends are
    /// then labelled with the first and the last code, not the edges of the range.
    var isDiscrete: Bool {
        let lower = histogram.range.lowerBound, span = histogram.range.upperBound - lower
        return !histogram.counts.isEmpty && lower.rounded() == lower && span == Float(histogram.counts.count)
    }

    /// The labels under the two ends of the axis.
    var endLabels: (low: String, high: String) {
        let high = isDiscrete ? histogram.range.upperBound - 1 : histogram.range.upperBound
        return (NumberFormat.compact(histogram.range.lowerBound), NumberFormat.compact(high))
    }

    /// Columns a bin takes when every bin gets the same number of columns; 0 when bins are merged.
    func columnsPerBin(width: Int) -> Int { histogram.counts.isEmpty ? 0 : width / histogram.counts.count }

    /// Whether each bar's count fits under it, with a space to spare.
    func showsCounts(width: Int) -> Bool {
        let widest = histogram.counts.map { "\($0)".count }.max() ?? 0
        return columnsPerBin(width: width) > widest
    }

    /// Counts per screen column: bins summed into columns (or spread over several).
    func columnCounts(columns: Int) -> [Int] {
        let bins = histogram.counts.count
        guard columns > 0, bins > 0 else { return [] }
        if bins <= columns {
            let perBin = columns / bins
            return histogram.counts.flatMap { Array(repeating: $0, count: perBin) }
        }
        var sums = [Int](repeating: 0, count: columns)
        for (bin, count) in histogram.counts.enumerated() { sums[bin * columns / bins] += count }
        return sums
    }

    public func draw(in rect: Rect, on screen: inout Screen) {
        guard !rect.isEmpty else { return }
        let (titleRow, rest) = rect.splitTop(1)
        let tallest = histogram.counts.max() ?? 0
        let title = TableWidget.truncated(histogram.title, to: titleRow.width)
        let end = screen.put(title, x: titleRow.x, y: titleRow.y, style: theme.strong, limit: titleRow.maxX)
        let count = "   tallest bar: \(tallest)"
        if end + count.terminalWidth <= titleRow.maxX { screen.put(count, x: end, y: titleRow.y, style: theme.dim) }
        let (upper, labelRow) = rest.splitBottom(1)
        let (barsAndCounts, markerRow) = upper.splitBottom(1)
        let withCounts = showsCounts(width: rect.width) && barsAndCounts.height > 1
        let (bars, countRow) = barsAndCounts.splitBottom(withCounts ? 1 : 0)
        let counts = columnCounts(columns: bars.width)
        let largest = max(1, counts.max() ?? 1)
        let barStyle = Style(foreground: theme.seriesColors.first ?? .terminalDefault, background: theme.base.background)
        for (column, count) in counts.enumerated() {
            // Height in eighths of a row; a non-empty bin shows at least one eighth.
            var eighths = Int((Double(count) / Double(largest) * Double(bars.height * 8)).rounded())
            if count > 0 { eighths = max(1, eighths) }
            for row in 0..<bars.height where eighths > 0 {
                let piece = min(8, eighths)
                screen[bars.x + column, bars.maxY - 1 - row] = Cell(Self.eighths[piece], style: barStyle)
                eighths -= piece
            }
        }
        let drawnWidth = counts.count
        guard drawnWidth > 0 else { return }
        if withCounts {
            let perBin = columnsPerBin(width: bars.width)
            for (bin, count) in histogram.counts.enumerated() {
                let label = "\(count)"
                screen.put(label, x: countRow.x + bin * perBin + (perBin - label.count) / 2, y: countRow.y, style: theme.dim, limit: countRow.maxX)
            }
        }
        if !markerRow.isEmpty {
            screen.fill(Rect(x: markerRow.x, y: markerRow.y, width: drawnWidth, height: 1), with: Cell("─", style: theme.border))
            for marker in histogram.markers {
                guard let column = self.column(of: marker, width: drawnWidth) else { continue }
                screen[markerRow.x + column, markerRow.y] = Cell("▲", style: theme.accent)
            }
        }
        if !labelRow.isEmpty {
            let (low, high) = endLabels
            screen.put(low, x: labelRow.x, y: labelRow.y, style: theme.dim, limit: labelRow.x + drawnWidth)
            let note = histogram.markers.isEmpty ? "" : "▲ \(histogram.markers.count) levels"
            let noteX = labelRow.x + (drawnWidth - note.terminalWidth) / 2
            if noteX > labelRow.x + low.count { screen.put(note, x: noteX, y: labelRow.y, style: theme.accent, limit: labelRow.x + drawnWidth) }
            let highX = labelRow.x + drawnWidth - high.count
            if highX > labelRow.x + low.count { screen.put(high, x: highX, y: labelRow.y, style: theme.dim, limit: labelRow.x + drawnWidth) }
        }
    }

    /// The column a value falls in, or nil outside the range.
    func column(of value: Float, width: Int) -> Int? {
        let span = histogram.range.upperBound - histogram.range.lowerBound
        guard span > 0, histogram.range.contains(value) else { return nil }
        return min(width - 1, Int((value - histogram.range.lowerBound) / span * Float(width)))
    }
}
