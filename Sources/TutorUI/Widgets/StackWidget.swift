/// Widgets one under another with blank rows between them, drawn from a scroll offset.
///
/// A child cut by the top edge is drawn into a scratch screen of its full height and the visible
/// rows copied, so every widget can assume it draws from its own first row.
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

    public func height(forWidth width: Int) -> Int {
        guard let last = frames(width: width).last else { return 0 }
        return last.top + last.height
    }

    public func draw(in rect: Rect, on screen: inout Screen) { draw(in: rect, scrolledBy: 0, on: &screen) }

    /// Draws the rows `scroll ..< scroll + rect.height` of the stack into `rect`.
    public func draw(in rect: Rect, scrolledBy scroll: Int, on screen: inout Screen) {
        guard !rect.isEmpty else { return }
        for (child, frame) in zip(children, frames(width: rect.width)) {
            let top = frame.top - scroll
            guard top < rect.height, top + frame.height > 0, frame.height > 0 else { continue }
            if top >= 0 {
                child.draw(in: Rect(x: rect.x, y: rect.y + top, width: rect.width, height: min(frame.height, rect.height - top)), on: &screen)
            } else {
                var scratch = Screen(width: rect.width, height: frame.height, fill: screen[rect.x, rect.y])
                child.draw(in: scratch.bounds, on: &scratch)
                screen.blit(scratch, fromRow: -top, into: Rect(x: rect.x, y: rect.y, width: rect.width, height: min(rect.height, frame.height + top)))
            }
        }
    }
}
