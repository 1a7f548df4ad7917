import CNCursesW
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Puts a `Screen` on the terminal with ncurses, and reads keys, mouse and resizes.
///
/// The backend keeps the last screen it drew and sends only the cells that differ, so a key press
/// costs a few cells of output and the screen never flickers. Everything else about drawing lives
/// in the widgets; this type is the only one that calls curses.
public final class NCursesBackend {
    /// Why the terminal cannot be used for the full-screen tutor.
    public enum Unavailable: Error, Equatable {
        /// Standard input or output is not a terminal.
        case notATerminal
        /// `TERM` is unset, `dumb`, or has no terminfo entry curses can use.
        case noCapableTerminal(term: String)
    }

    public let depth: ColorDepth
    private let session: OpaquePointer
    private var lastScreen: Screen?
    private var isOpen = true

    /// Starts curses: alternate screen, no echo, keypad and mouse on, cursor hidden.
    public init(environment: [String: String]) throws {
        guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else { throw Unavailable.notATerminal }
        let term = environment["TERM"] ?? ""
        guard !term.isEmpty, term != "dumb" else { throw Unavailable.noCapableTerminal(term: term) }
        _ = qt_setlocale_utf8()
        TerminalRestore.install()
        guard let session = qt_newterm() else {
            TerminalRestore.uninstall()
            throw Unavailable.noCapableTerminal(term: term)
        }
        self.session = session
        set_term(session)
        TerminalRestore.setResetSequence(Self.resetSequence())
        cbreak()
        noecho()
        nonl()
        keypad(qt_stdscr(), true)
        curs_set(0)
        set_escdelay(25)
        if has_colors() {
            start_color()
            use_default_colors()
        }
        depth = has_colors() ? ColorDepth.forTerminal(colors: Int(qt_colors()), environment: environment) : .monochrome
        mousemask(qt_mouse_wanted(), nil)
        mouseinterval(0)
    }

    /// The terminal's size in cells.
    public var size: (width: Int, height: Int) { (Int(qt_cols()), Int(qt_lines())) }

    /// Draws `screen`, sending only the cells that changed since the last call.
    public func draw(_ screen: Screen) {
        let changed = screen.changedCells(since: lastScreen)
        if lastScreen?.width != screen.width || lastScreen?.height != screen.height { werase(qt_stdscr()) }
        for index in changed {
            let cell = screen.cells[index]
            let x = Int32(index % screen.width), y = Int32(index / screen.width)
            _ = qt_put_cell(y, x, wchar_t(bitPattern: cell.character.value), attributes(cell.attributes), cell.foreground.cursesNumber, cell.background.cursesNumber)
        }
        wnoutrefresh(qt_stdscr())
        doupdate()
        lastScreen = screen
    }

    /// Makes the next `draw` repaint every cell (Ctrl-L, or after something else wrote to the terminal).
    public func invalidate() {
        lastScreen = nil
        clearok(qt_curscr(), true)
    }

    /// Waits up to `milliseconds` for input (forever when negative); nil when nothing arrived.
    public func nextEvent(timeout milliseconds: Int32) -> TerminalEvent? {
        wtimeout(qt_stdscr(), milliseconds)
        var character: wint_t = 0
        let status = wget_wch(qt_stdscr(), &character)
        if status == KEY_CODE_YES { return specialKey(Int32(character)) }
        guard status == OK, let scalar = Unicode.Scalar(UInt32(character)) else { return nil }
        switch scalar.value {
        case 10, 13: return .key(.enter)
        case 27: return .key(.escape)
        case 8, 127: return .key(.backspace)
        case 9: return .key(.tab)
        case 1...26: return .key(.control(Character(Unicode.Scalar(scalar.value + 96) ?? "?")))
        default: return .key(.character(Character(scalar)))
        }
    }

    private func specialKey(_ code: Int32) -> TerminalEvent? {
        switch code {
        case KEY_RESIZE:
            lastScreen = nil
            return .resize(width: size.width, height: size.height)
        case KEY_MOUSE:
            var x: Int32 = 0, y: Int32 = 0
            var buttons: mmask_t = 0
            guard qt_get_mouse(&x, &y, &buttons) != 0 else { return nil }
            if buttons & qt_mouse_wheel_up() != 0 { return .mouse(.wheelUp(x: Int(x), y: Int(y))) }
            if buttons & qt_mouse_wheel_down() != 0 { return .mouse(.wheelDown(x: Int(x), y: Int(y))) }
            if buttons & qt_mouse_click() != 0 { return .mouse(.click(x: Int(x), y: Int(y))) }
            return nil
        case KEY_UP: return .key(.up)
        case KEY_DOWN: return .key(.down)
        case KEY_LEFT: return .key(.left)
        case KEY_RIGHT: return .key(.right)
        case KEY_PPAGE: return .key(.pageUp)
        case KEY_NPAGE: return .key(.pageDown)
        case KEY_HOME: return .key(.home)
        case KEY_END: return .key(.end)
        case KEY_ENTER: return .key(.enter)
        case KEY_BACKSPACE: return .key(.backspace)
        case KEY_BTAB: return .key(.backTab)
        default: return nil
        }
    }

    /// Leaves curses and puts the terminal back; safe to call more than once.
    public func close() {
        guard isOpen else { return }
        isOpen = false
        mousemask(0, nil)
        endwin()
        delscreen(session)
        TerminalRestore.uninstall()
    }

    deinit { close() }

    private func attributes(_ attributes: TextAttributes) -> attr_t {
        var result: attr_t = 0
        if attributes.contains(.bold) { result |= qt_attr_bold() }
        if attributes.contains(.dim) { result |= qt_attr_dim() }
        if attributes.contains(.italic) { result |= qt_attr_italic() }
        if attributes.contains(.underline) { result |= qt_attr_underline() }
        if attributes.contains(.reverse) { result |= qt_attr_reverse() }
        return result
    }

    /// terminfo's strings for leaving curses: attributes off, cursor on, keypad off, mouse off, main screen.
    private static func resetSequence() -> String {
        var sequence = ""
        for name in ["sgr0", "cnorm", "rmkx"] {
            if let value = qt_terminfo_string(name) { sequence += String(cString: value) }
        }
        sequence += "\u{1B}[?1000l\u{1B}[?1002l\u{1B}[?1006l"
        if let value = qt_terminfo_string("rmcup") { sequence += String(cString: value) }
        return sequence
    }
}
