/// A live block or quiz on the lesson page with its left margin: a bar down the margin marks the
/// block that has the focus.
struct FocusMargin: Widget {
    var content: any Widget
    var isFocused: Bool
    var theme: Theme

    /// Columns the margin takes.
    static let width = 2

    func height(forWidth width: Int) -> Int { content.height(forWidth: width - Self.width) }

    func draw(in rect: Rect, on screen: inout Screen) {
        if isFocused {
            for y in rect.y..<rect.maxY { screen[rect.x, y] = Cell("▌", style: theme.accent) }
        }
        content.draw(in: rect.inset(left: Self.width), on: &screen)
    }
}
