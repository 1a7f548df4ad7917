/// Styled lines, each wrapped to the width.
public struct LinesWidget: Widget {
    public var lines: [StyledLine]

    public init(_ lines: [StyledLine]) {
        self.lines = lines
    }

    func wrapped(width: Int) -> [StyledLine] { lines.flatMap { $0.wrapped(width: width) } }

    public func height(forWidth width: Int) -> Int { wrapped(width: width).count }

    public func draw(in rect: Rect, on screen: inout Screen) {
        for (row, line) in wrapped(width: rect.width).prefix(rect.height).enumerated() {
            line.draw(x: rect.x, y: rect.y + row, limit: rect.maxX, on: &screen)
        }
    }
}
