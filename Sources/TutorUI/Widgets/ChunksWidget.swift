/// Lines, then chunks of styled text flowed into rows: a row breaks only between chunks, so each
/// chunk (a parameter's key, name and value) stays whole. A chunk wider than a row wraps alone.
public struct ChunksWidget: LineWidget {
    /// Lines drawn first, each wrapped as prose.
    public var leading: [StyledLine]
    public var chunks: [[StyledLine.Span]]
    /// What goes between two chunks on one row.
    public var gap: StyledLine.Span

    public init(leading: [StyledLine] = [], _ chunks: [[StyledLine.Span]], gap: StyledLine.Span) {
        self.leading = leading
        self.chunks = chunks
        self.gap = gap
    }

    public func lines(width: Int) -> [StyledLine] {
        guard width > 0 else { return [] }
        var rows = leading.flatMap { $0.wrapped(width: width) }
        var current: [StyledLine.Span] = []
        var used = 0
        for chunk in chunks {
            let chunkWidth = StyledLine(chunk).width
            if !current.isEmpty, used + gap.text.terminalWidth + chunkWidth > width {
                rows.append(StyledLine(current))
                current = []
                used = 0
            }
            if chunkWidth > width {
                rows += StyledLine(chunk).wrapped(width: width)
                continue
            }
            if !current.isEmpty {
                current.append(gap)
                used += gap.text.terminalWidth
            }
            current += chunk
            used += chunkWidth
        }
        if !current.isEmpty { rows.append(StyledLine(current)) }
        return rows
    }
}
