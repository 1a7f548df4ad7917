/// A terminal colour: the terminal's own default, or an entry of its palette.
///
/// Entries 0–7 are the basic ANSI colours, 8–15 their bright versions, 16–231 the 6×6×6 cube and
/// 232–255 the grey ramp of xterm's 256-colour palette. Which entries a screen uses depends on the
/// `ColorDepth` it was drawn for; the backend passes the number through unchanged.
public enum Color: Hashable {
    case terminalDefault
    case indexed(UInt8)
}

extension Color {
    public static let black = Color.indexed(0)
    public static let red = Color.indexed(1)
    public static let green = Color.indexed(2)
    public static let yellow = Color.indexed(3)
    public static let blue = Color.indexed(4)
    public static let magenta = Color.indexed(5)
    public static let cyan = Color.indexed(6)
    public static let white = Color.indexed(7)
    public static let brightBlack = Color.indexed(8)
    public static let brightWhite = Color.indexed(15)

    /// The number curses uses for this colour: -1 for the terminal's default.
    public var cursesNumber: Int32 {
        switch self {
        case .terminalDefault: -1
        case .indexed(let index): Int32(index)
        }
    }
}

extension Color: Sendable {}
