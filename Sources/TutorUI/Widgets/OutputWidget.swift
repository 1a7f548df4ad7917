import TutorLessons

/// The widget that draws one `Output` of a live block.
public struct OutputWidget: Widget {
    public var output: Output
    public var theme: Theme
    /// The most rows a heatmap may take (the lesson view passes what is left of the screen).
    public var maximumHeatmapRows: Int
    /// How much of a chart's lines to draw while it draws itself in; nil for all.
    public var revealFraction: Double?

    public init(_ output: Output, theme: Theme, maximumHeatmapRows: Int = 24, revealFraction: Double? = nil) {
        self.output = output
        self.theme = theme
        self.maximumHeatmapRows = maximumHeatmapRows
        self.revealFraction = revealFraction
    }

    var widget: any Widget {
        switch output {
        case .text(let text): TextWidget(text: text, theme: theme)
        case .table(let table): TableWidget(table, theme: theme)
        case .heatmap(let heatmap): HeatmapWidget([heatmap], theme: theme, maximumRows: maximumHeatmapRows)
        case .heatmaps(let heatmaps): HeatmapWidget(heatmaps, theme: theme, maximumRows: maximumHeatmapRows)
        case .histogram(let histogram): HistogramWidget(histogram, theme: theme)
        case .series(let series): BrailleChart(series, theme: theme, revealFraction: revealFraction)
        case .memory(let memory): MemoryBarsWidget(memory, theme: theme)
        }
    }

    public func height(forWidth width: Int) -> Int { widget.height(forWidth: width) }
    public func draw(in rect: Rect, on screen: inout Screen) { widget.draw(in: rect, on: &screen) }
}
