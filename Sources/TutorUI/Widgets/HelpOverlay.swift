/// A boxed list of key bindings drawn over the middle of whatever is below it.
public struct HelpOverlay: Widget {
    public var title: String
    /// Pairs of keys and what they do.
    public var bindings: [(keys: String, action: String)]
    public var theme: Theme

    public init(title: String = "Keys", bindings: [(keys: String, action: String)], theme: Theme) {
        self.title = title
        self.bindings = bindings
        self.theme = theme
    }

    public func height(forWidth width: Int) -> Int { bindings.count + 4 }

    /// Columns of the widest keys: where the actions column starts, two columns after.
    var keysWidth: Int { bindings.map { $0.keys.terminalWidth }.max() ?? 0 }

    /// Columns inside the box: the title, or the widest keys and action.
    var contentWidth: Int {
        max(title.terminalWidth, keysWidth + 2 + (bindings.map { $0.action.terminalWidth }.max() ?? 0))
    }

    public func draw(in rect: Rect, on screen: inout Screen) {
        let box = rect.centered(width: contentWidth + 4, height: height(forWidth: rect.width))
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
        screen.put(title, x: inner.x, y: inner.y, style: theme.heading, limit: inner.maxX)
        let keysWidth = keysWidth
        for (index, binding) in bindings.enumerated() {
            let y = inner.y + 2 + index
            guard y < inner.maxY else { break }
            screen.put(binding.keys, x: inner.x, y: y, style: theme.accent, limit: inner.maxX)
            screen.put(binding.action, x: inner.x + keysWidth + 2, y: y, style: face, limit: inner.maxX)
        }
    }
}
