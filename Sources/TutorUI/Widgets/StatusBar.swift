/// One row in reverse colours: where the learner is on the left, the keys that matter on the right.
public struct StatusBar: Widget {
    public var left: String
    public var right: String
    public var theme: Theme

    public init(left: String, right: String, theme: Theme) {
        self.left = left
        self.right = right
        self.theme = theme
    }

    public func height(forWidth width: Int) -> Int { 1 }

    public func draw(in rect: Rect, on screen: inout Screen) {
        guard !rect.isEmpty else { return }
        screen.fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), with: Cell(" ", style: theme.statusBar))
        // The keys on the right go first when the note is short enough to leave them room; a note
        // cut short ends in `…`.
        let leftWidth = left.terminalWidth + 1
        let rightWidth = right.terminalWidth + 1
        let showsRight = leftWidth + 1 + rightWidth <= rect.width || rect.width - rightWidth - 1 >= 16
        let leftLimit = showsRight ? rect.maxX - rightWidth - 1 : rect.maxX
        screen.put(" " + TableWidget.truncated(left, to: leftLimit - rect.x - 1), x: rect.x, y: rect.y, style: theme.statusBar, limit: leftLimit)
        if showsRight {
            screen.put(right, x: rect.maxX - rightWidth, y: rect.y, style: theme.statusBar, limit: rect.maxX)
        }
    }
}
