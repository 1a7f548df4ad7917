/// A boxed list of key bindings drawn over the middle of whatever is below it.
///
/// The box shrinks to the screen: actions wrap at spaces under their own column, bindings that do
/// not fit are counted instead of cut, and the last row always says how to quit and close.
public struct HelpOverlay: Widget {
    public var title: String
    /// Pairs of keys and what they do.
    public var bindings: [(keys: String, action: String)]
    public var theme: Theme

    /// The row that is never left out.
    static let footer = "q quit · any other key closes"

    public init(title: String = "Keys", bindings: [(keys: String, action: String)], theme: Theme) {
        self.title = title
        self.bindings = bindings
        self.theme = theme
    }

    public func height(forWidth width: Int) -> Int { lines(innerWidth: max(1, min(contentWidth, width - 4))).count + 4 }

    /// Columns of the widest keys: where the actions column starts, two columns after.
    var keysWidth: Int { bindings.map { $0.keys.terminalWidth }.max() ?? 0 }

    /// Columns inside the box: the title, the footer, or the widest keys and action.
    var contentWidth: Int {
        max(title.terminalWidth, Self.footer.terminalWidth, keysWidth + 2 + (bindings.map { $0.action.terminalWidth }.max() ?? 0))
    }

    /// Each binding's rows inside a box `innerWidth` columns wide.
    func lines(innerWidth: Int) -> [[StyledLine]] {
        let face = Style(foreground: theme.text.foreground, background: theme.base.background)
        let actionWidth = innerWidth - keysWidth - 2
        return bindings.map { binding in
            let keys = StyledLine.Span(binding.keys, style: theme.accent)
            if actionWidth >= 8 {
                let padding = StyledLine.Span(String(repeating: " ", count: keysWidth + 2 - binding.keys.terminalWidth), style: face)
                let indent = StyledLine.Span(String(repeating: " ", count: keysWidth + 2), style: face)
                let action = StyledLine(binding.action, style: face).wrapped(width: actionWidth)
                return action.enumerated().map { StyledLine([$0.offset == 0 ? keys : indent, $0.offset == 0 ? padding : .init("", style: face)] + $0.element.spans) }
            }
            // Too narrow for two columns: the action goes under its keys.
            let action = StyledLine(binding.action, style: face).wrapped(width: max(1, innerWidth - 2))
            return [StyledLine([keys])] + action.map { StyledLine([.init("  ", style: face)] + $0.spans) }
        }
    }

    public func draw(in rect: Rect, on screen: inout Screen) {
        let innerWidth = min(contentWidth, rect.width - 4)
        guard innerWidth >= 1, rect.height >= 4 else { return }
        var groups = lines(innerWidth: innerWidth)
        // Title, a blank row, the bindings, a blank row and the footer, inside the border.
        let room = rect.height - 6
        var left = 0
        while groups.reduce(0, { $0 + $1.count }) + (left > 0 ? 1 : 0) > max(0, room), !groups.isEmpty {
            left += 1
            groups.removeLast()
        }
        let rows = groups.reduce(0) { $0 + $1.count } + (left > 0 ? 1 : 0)
        let box = rect.centered(width: innerWidth + 4, height: min(rect.height, rows + 6))
        guard box.width >= 2, box.height >= 2 else { return }
        let face = Style(foreground: theme.text.foreground, background: theme.base.background)
        screen.fill(box, with: Cell(" ", style: face))
        let horizontal = String(repeating: "─", count: box.width - 2)
        screen.put("┌" + horizontal + "┐", x: box.x, y: box.y, style: theme.accent)
        screen.put("└" + horizontal + "┘", x: box.x, y: box.maxY - 1, style: theme.accent)
        for y in (box.y + 1)..<(box.maxY - 1) {
            screen[box.x, y] = Cell("│", style: theme.accent)
            screen[box.maxX - 1, y] = Cell("│", style: theme.accent)
        }
        let inner = box.inset(top: 1, left: 2, bottom: 1, right: 2)
        if inner.height >= 3 { screen.put(TableWidget.truncated(title, to: inner.width), x: inner.x, y: inner.y, style: theme.heading, limit: inner.maxX) }
        var y = inner.y + (inner.height >= 3 ? 2 : 0)
        for line in groups.joined() where y < inner.maxY - 1 {
            line.draw(x: inner.x, y: y, limit: inner.maxX, on: &screen)
            y += 1
        }
        if left > 0, y < inner.maxY - 1 { screen.put("… \(left) more keys", x: inner.x, y: y, style: theme.dim, limit: inner.maxX) }
        screen.put(TableWidget.truncated(Self.footer, to: inner.width), x: inner.x, y: inner.maxY - 1, style: theme.dim, limit: inner.maxX)
    }
}
