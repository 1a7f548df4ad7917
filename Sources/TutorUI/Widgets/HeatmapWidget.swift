import TutorLessons

/// One or more heatmaps side by side on one colour scale, with a legend.
///
/// Two matrix rows share one character: the upper half block `▀` takes the top row's colour as
/// its foreground and the bottom row's as its background, so cells come out roughly square.
/// A matrix larger than the space is max-pooled (by absolute value, so outliers stay visible);
/// a small one is scaled up to `maximumCellScale`. In monochrome each row is one character from
/// a density ramp instead.
public struct HeatmapWidget: Widget {
    public var heatmaps: [Heatmap]
    public var theme: Theme
    /// Draw the quantization block grid when the heatmap has one and it fits.
    public var showsBlockGrid: Bool
    /// The largest number of screen pixels per matrix cell along each axis.
    public var maximumCellScale: Int
    /// The most rows the widget asks for; larger matrices are pooled to fit.
    public var maximumRows: Int

    static let densityRamp: [Unicode.Scalar] = [" ", "░", "▒", "▓", "█"]
    static let gap = 2
    static let upperHalfBlock: Unicode.Scalar = "▀"

    public init(_ heatmaps: [Heatmap], theme: Theme, showsBlockGrid: Bool = true, maximumCellScale: Int? = nil, maximumRows: Int = 24) {
        self.heatmaps = heatmaps
        self.theme = theme
        self.showsBlockGrid = showsBlockGrid
        self.maximumCellScale = maximumCellScale ?? (theme.isProjector ? 4 : 2)
        self.maximumRows = maximumRows
    }

    /// The scale every panel shares: the widest of theirs.
    var sharedScale: Heatmap.Scale {
        var maximum: Float = 0, limit: Float = 0, signed = false
        for heatmap in heatmaps {
            switch heatmap.scale {
            case .magnitude(let m): maximum = max(maximum, m)
            case .signed(let l): limit = max(limit, l); signed = true
            }
        }
        return signed ? .signed(limit: max(limit, maximum)) : .magnitude(maximum: maximum)
    }

    var usesHalfBlocks: Bool { theme.depth > .monochrome }

    public func height(forWidth width: Int) -> Int {
        guard !heatmaps.isEmpty else { return 0 }
        let panelWidth = Self.panelWidth(total: width, count: heatmaps.count)
        let mapRows = heatmaps.map { layout(for: $0, width: panelWidth - gutterWidth(for: $0), rows: maximumRows - 2).displayRows.count }.max() ?? 0
        return mapRows + 2
    }

    static func panelWidth(total: Int, count: Int) -> Int { max(0, (total - gap * (count - 1)) / max(1, count)) }

    public func draw(in rect: Rect, on screen: inout Screen) {
        guard !heatmaps.isEmpty, !rect.isEmpty else { return }
        let (titleRow, rest) = rect.splitTop(1)
        let (mapArea, legendRow) = rest.splitBottom(rect.height >= 3 ? 1 : 0)
        let scale = sharedScale
        let colors = Self.colormap(for: scale, theme: theme).lookupTable(count: 65, depth: theme.depth)
        var pooled = 1
        var stripedBlocks: Int?
        for (panel, heatmap) in zip(rect.columns(heatmaps.count, gap: Self.gap), heatmaps) {
            let gutter = gutterWidth(for: heatmap)
            let layout = layout(for: heatmap, width: panel.width - gutter, rows: mapArea.height)
            pooled = max(pooled, layout.poolFactor)
            let title = "\(heatmap.title) \(heatmap.rows)×\(heatmap.columns)"
            screen.put(TableWidget.truncated(title, to: panel.width), x: panel.x, y: titleRow.y, style: theme.strong, limit: panel.maxX)
            let map = Rect(x: panel.x + gutter, y: mapArea.y, width: panel.width - gutter, height: mapArea.height)
            if gutter > 0, layout.poolFactor == 1 {
                drawRowBlockStripes(layout: layout, at: Rect(x: panel.x, y: mapArea.y, width: 1, height: mapArea.height), on: &screen)
                stripedBlocks = heatmap.blockGrid?.columns
            }
            drawMap(heatmap, layout: layout, scale: scale, colors: colors, at: map, on: &screen)
        }
        if !legendRow.isEmpty { drawLegend(scale: scale, colors: colors, poolFactor: pooled, rowBlocks: stripedBlocks, in: legendRow, on: &screen) }
    }

    /// A column left of the map for blocks one row tall, which grid lines cannot mark (a line
    /// between every row would double the map's height): stripes alternate block by block.
    func gutterWidth(for heatmap: Heatmap) -> Int {
        guard showsBlockGrid, let grid = heatmap.blockGrid, grid.rows == 1, grid.columns >= heatmap.columns, heatmap.rows > 1 else { return 0 }
        return 1
    }

    static func colormap(for scale: Heatmap.Scale, theme: Theme) -> Colormap {
        if case .signed = scale { return theme.isLight || theme.isProjector ? .divergingHighContrast : .diverging }
        return .viridis
    }

    /// Where a value falls on the scale, 0...1.
    static func position(of value: Float, on scale: Heatmap.Scale) -> Float {
        guard value.isFinite else { return 0 }
        switch scale {
        case .magnitude(let maximum): return maximum > 0 ? min(1, max(0, value / maximum)) : 0
        case .signed(let limit): return limit > 0 ? min(1, max(0, (value / limit + 1) / 2)) : 0.5
        }
    }
}
