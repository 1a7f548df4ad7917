/// Something that draws itself into a rectangle of a `Screen`.
///
/// Widgets are values built from the data they show and a `Theme`; they never touch the terminal.
public protocol Widget {
    /// The rows the widget wants when given `width` columns.
    func height(forWidth width: Int) -> Int
    /// Draws into `rect`, clipped to it; a rectangle too small for anything draws what fits or nothing.
    func draw(in rect: Rect, on screen: inout Screen)
}

/// A widget that lays itself out as styled lines: its height is their count and drawing puts them
/// one under another, cut to the rectangle.
public protocol LineWidget: Widget {
    /// The widget laid out in `width` columns.
    func lines(width: Int) -> [StyledLine]
}

extension LineWidget {
    public func height(forWidth width: Int) -> Int { lines(width: width).count }

    public func draw(in rect: Rect, on screen: inout Screen) {
        for (row, line) in lines(width: rect.width).prefix(rect.height).enumerated() {
            line.draw(x: rect.x, y: rect.y + row, limit: rect.maxX, on: &screen)
        }
    }
}
