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
