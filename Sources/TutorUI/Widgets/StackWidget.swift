/// Widgets one under another with blank rows between them, drawn from a scroll offset.
///
/// A child cut by an edge is drawn into a scratch screen of its full height and the visible rows
/// copied, so every widget lays itself out the same way whether or not it is scrolled into view.
public struct StackWidget: Widget {
    public var children: [any Widget]
    public var spacing: Int

    public init(_ children: [any Widget], spacing: Int = 1) {
        self.children = children
        self.spacing = spacing
    }

    /// Each child's first row and height at `width`.
    public func frames(width: Int) -> [(top: Int, height: Int)] {
        var top = 0
        return children.map { child in
            let height = child.height(forWidth: width)
            defer { top += height + spacing }
            return (top, height)
        }
    }

    public func height(forWidth width: Int) -> Int { Self.height(of: frames(width: width)) }

    /// The rows children laid out in `frames` take together.
    static func height(of frames: [(top: Int, height: Int)]) -> Int {
        frames.last.map { $0.top + $0.height } ?? 0
    }

    public func draw(in rect: Rect, on screen: inout Screen) { draw(in: rect, scrolledBy: 0, on: &screen) }

    /// Draws the rows `scroll ..< scroll + rect.height` of the stack into `rect`.
    public func draw(in rect: Rect, scrolledBy scroll: Int, on screen: inout Screen) {
        draw(in: rect, scrolledBy: scroll, frames: frames(width: rect.width), on: &screen)
    }

    /// Draws as `draw(in:scrolledBy:on:)` does with the children's `frames(width: rect.width)`
    /// already at hand, so a caller that needs them too lays the stack out once.
    func draw(in rect: Rect, scrolledBy scroll: Int, frames: [(top: Int, height: Int)], on screen: inout Screen) {
        guard !rect.isEmpty else { return }
        for (child, frame) in zip(children, frames) {
            let top = frame.top - scroll
            guard top < rect.height, top + frame.height > 0, frame.height > 0 else { continue }
            if top >= 0, top + frame.height <= rect.height {
                child.draw(in: Rect(x: rect.x, y: rect.y + top, width: rect.width, height: frame.height), on: &screen)
            } else {
                var scratch = Screen(width: rect.width, height: frame.height, fill: Cell(" ", style: Style(background: screen[rect.x, rect.y].background)))
                child.draw(in: scratch.bounds, on: &scratch)
                let firstRow = max(0, -top), visibleTop = max(0, top)
                screen.blit(scratch, fromRow: firstRow, into: Rect(x: rect.x, y: rect.y + visibleTop, width: rect.width, height: min(rect.height - visibleTop, frame.height - firstRow)))
            }
        }
    }
}
