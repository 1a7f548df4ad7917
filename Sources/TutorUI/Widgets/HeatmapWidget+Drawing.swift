import QLoRAEngine
import TutorLessons

extension HeatmapWidget {
    /// The entry of a non-empty lookup table nearest to position `t` in 0...1.
    static func entry<Entry>(of table: [Entry], at t: Float) -> Entry {
        table[min(table.count - 1, max(0, Int(t * Float(table.count - 1) + 0.5)))]
    }

    /// The monochrome character for position `t`: on a signed scale the ramp measures distance from zero.
    static func density(at t: Float, on scale: Heatmap.Scale) -> Unicode.Scalar {
        if case .signed = scale { return entry(of: densityRamp, at: abs(t * 2 - 1)) }
        return entry(of: densityRamp, at: t)
    }

    func drawMap(_ heatmap: Heatmap, layout: Layout, scale: Heatmap.Scale, colors: [Color], at rect: Rect, on screen: inout Screen) {
        let values = heatmap.maxPooled(by: layout.poolFactor).values
        let background = theme.base.background
        func value(_ row: Int, _ column: Int) -> Float {
            let index = row * layout.pooledColumns + column
            return index < values.count ? values[index] : 0
        }
        func color(_ row: Int, _ column: Int) -> Color {
            guard !colors.isEmpty else { return .terminalDefault }
            return Self.entry(of: colors, at: Self.position(of: value(row, column), on: scale))
        }
        func density(_ row: Int, _ column: Int) -> Unicode.Scalar {
            Self.density(at: Self.position(of: value(row, column), on: scale), on: scale)
        }
        for (y, displayRow) in layout.displayRows.prefix(rect.height).enumerated() {
            for (x, displayColumn) in layout.displayColumns.prefix(rect.width).enumerated() {
                let cell: Cell
                switch (displayRow, displayColumn) {
                case (nil, nil): cell = Cell("┼", style: theme.border)
                case (nil, _): cell = Cell("─", style: theme.border)
                case (_, nil): cell = Cell("│", style: theme.border)
                case (let rows?, let column?):
                    if colors.isEmpty {
                        cell = Cell(density(rows.top, column), style: theme.base)
                    } else {
                        let bottom = rows.bottom.map { color($0, column) } ?? background
                        cell = Cell(Self.upperHalfBlock, style: Style(foreground: color(rows.top, column), background: bottom))
                    }
                }
                screen[rect.x + x, rect.y + y] = cell
            }
        }
    }

    /// Stripes beside the map, alternating with each matrix row: one block per row.
    func drawRowBlockStripes(layout: Layout, at rect: Rect, on screen: inout Screen) {
        let even = theme.accent.foreground, odd = theme.border.foreground
        for (y, displayRow) in layout.displayRows.prefix(rect.height).enumerated() {
            guard let rows = displayRow else { continue }
            let cell: Cell
            if usesHalfBlocks {
                let bottom = rows.bottom.map { $0 % 2 == 0 ? even : odd } ?? theme.base.background
                cell = Cell(Self.upperHalfBlock, style: Style(foreground: rows.top % 2 == 0 ? even : odd, background: bottom))
            } else {
                cell = Cell(rows.top % 2 == 0 ? "▌" : "╎", style: theme.base)
            }
            screen[rect.x, rect.y + y] = cell
        }
    }

    /// One row: the low end, a colour ramp, the high end, and a note when the map was pooled or
    /// when stripes mark blocks of `rowBlocks` values, one per row.
    func drawLegend(scale: Heatmap.Scale, colors: [Color], poolFactor: Int, rowBlocks: Int? = nil, in rect: Rect, on screen: inout Screen) {
        let (low, high): (Float, Float)
        switch scale {
        case .magnitude(let maximum): (low, high) = (0, maximum)
        case .signed(let limit): (low, high) = (-limit, limit)
        }
        var x = screen.put(NumberFormat.compact(low) + " ", x: rect.x, y: rect.y, style: theme.dim, limit: rect.maxX)
        let rampWidth = max(0, min(theme.isProjector ? 32 : 20, rect.width / 3))
        for i in 0..<rampWidth where x < rect.maxX {
            let t = rampWidth == 1 ? 0.5 : Float(i) / Float(rampWidth - 1)
            if colors.isEmpty {
                screen[x, rect.y] = Cell(Self.density(at: t, on: scale), style: theme.base)
            } else {
                screen[x, rect.y] = Cell("█", style: Style(foreground: Self.entry(of: colors, at: t), background: theme.base.background))
            }
            x += 1
        }
        x = screen.put(" " + NumberFormat.compact(high), x: x, y: rect.y, style: theme.dim, limit: rect.maxX)
        if poolFactor > 1 {
            x = screen.put("  max-pooled \(poolFactor)×\(poolFactor)", x: x, y: rect.y, style: theme.dim, limit: rect.maxX)
        }
        if let rowBlocks {
            screen.put(TableWidget.truncated("  ▌ a block of \(rowBlocks) per row", to: rect.maxX - x), x: x, y: rect.y, style: theme.dim, limit: rect.maxX)
        }
    }
}
