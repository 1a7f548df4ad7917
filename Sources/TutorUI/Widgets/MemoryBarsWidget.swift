import QLoRAEngine
import TutorLessons

/// Memory part by part as bars on one scale, the total, and device capacities marked on it.
public struct MemoryBarsWidget: Widget {
    public var memory: MemoryBreakdown
    public var theme: Theme

    public init(_ memory: MemoryBreakdown, theme: Theme) {
        self.memory = memory
        self.theme = theme
    }

    public func height(forWidth width: Int) -> Int { memory.parts.count + 2 + (memory.capacities.isEmpty ? 0 : 1) }

    public func draw(in rect: Rect, on screen: inout Screen) {
        guard !rect.isEmpty else { return }
        screen.put(TableWidget.truncated(memory.title, to: rect.width), x: rect.x, y: rect.y, style: theme.strong, limit: rect.maxX)
        let rows: [(String, Double)] = memory.parts.map { ($0.name, $0.bytes) } + [("total", memory.totalBytes)]
        let nameWidth = min(rect.width / 3, rows.map { $0.0.terminalWidth }.max() ?? 0)
        let valueWidth = 11
        let barWidth = max(0, rect.width - nameWidth - valueWidth - 2)
        let scaleMaximum = max(memory.totalBytes, memory.capacities.max() ?? 0)
        func columns(_ bytes: Double) -> Int {
            scaleMaximum > 0 && bytes.isFinite ? min(barWidth, Int((max(0, bytes) / scaleMaximum * Double(barWidth)).rounded())) : 0
        }
        for (index, (name, bytes)) in rows.enumerated() {
            let y = rect.y + 1 + index
            guard y < rect.maxY else { break }
            let isTotal = index == rows.count - 1
            let color = isTotal ? theme.accent.foreground : theme.seriesColors[index % theme.seriesColors.count]
            screen.put(TableWidget.truncated(name, to: nameWidth), x: rect.x, y: y, style: isTotal ? theme.strong : theme.text)
            let barX = rect.x + nameWidth + 1
            let bar = theme.depth == .monochrome ? (isTotal ? "█" : "▒") : "█"
            screen.put(String(repeating: bar, count: columns(bytes)), x: barX, y: y, style: Style(foreground: color, background: theme.base.background), limit: barX + barWidth)
            if isTotal {
                for capacity in memory.capacities where columns(capacity) > 0 {
                    let x = barX + columns(capacity) - 1
                    screen[x, y] = Cell("┃", style: theme.failure)
                }
            }
            screen.put(NumberFormat.shortBytes(bytes), x: barX + barWidth + 1, y: y, style: theme.text, limit: rect.maxX)
        }
        let capacityRow = rect.y + rows.count + 1
        if !memory.capacities.isEmpty, capacityRow < rect.maxY {
            var x = rect.x
            x = screen.put("┃ fits in: ", x: x, y: capacityRow, style: theme.failure, limit: rect.maxX)
            for capacity in memory.capacities.sorted() {
                let fits = memory.totalBytes <= capacity
                x = screen.put((fits ? "✓ " : "✗ ") + NumberFormat.shortBytes(capacity) + "  ", x: x, y: capacityRow, style: fits ? theme.success : theme.dim, limit: rect.maxX)
            }
        }
    }
}
