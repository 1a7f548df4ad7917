/// Something that happened at the terminal: a key, a mouse action, or a new size.
public enum TerminalEvent: Equatable {
    case key(Key)
    case mouse(MouseEvent)
    case resize(width: Int, height: Int)
}

/// A key, with the special keys named.
public enum Key: Hashable {
    case character(Character)
    case enter, escape, backspace, tab, backTab
    case up, down, left, right, pageUp, pageDown, home, end
    /// Ctrl with a letter, such as Ctrl-L to redraw.
    case control(Character)
}

/// A mouse action at a cell.
public enum MouseEvent: Equatable {
    case wheelUp(x: Int, y: Int)
    case wheelDown(x: Int, y: Int)
    case click(x: Int, y: Int)
}

extension TerminalEvent: Sendable {}
extension Key: Sendable {}
extension MouseEvent: Sendable {}
