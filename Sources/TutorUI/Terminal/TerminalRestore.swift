import CNCursesW
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Puts the terminal back the way it was, however the process ends.
///
/// A normal quit goes through `NCursesBackend.close()`. Ctrl-C, SIGTERM, SIGHUP and crashes
/// (SIGSEGV, SIGILL — Swift's traps —, SIGTRAP, SIGABRT, SIGBUS, SIGFPE) reach a C signal handler
/// that writes the terminal's reset sequences and its saved modes with async-signal-safe calls,
/// then hands the signal on to whoever handled it before (the default action or Swift's
/// backtracer, which then prints on the normal screen instead of into the curses one).
///
/// The shim keeps this state in statics of its header, so every call into it lives in this file.
enum TerminalRestore {
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE]

    /// What leaves curses mode on an xterm-like terminal, until terminfo's own strings are known.
    static let xtermReset = "\u{1B}[0m\u{1B}[?25h\u{1B}[?1000l\u{1B}[?1002l\u{1B}[?1006l\u{1B}[?1049l"

    /// Saves the terminal's modes and installs the handlers; call before curses starts, so curses
    /// sees handlers in place and does not install its own for SIGINT and SIGTERM.
    static func install() {
        qt_restore_save_modes()
        setResetSequence(xtermReset)
        signals.withUnsafeBufferPointer { qt_restore_install($0.baseAddress, Int32($0.count)) }
    }

    /// Replaces the reset bytes, once terminfo has told us the terminal's own.
    static func setResetSequence(_ sequence: String) {
        var bytes = Array(sequence.utf8)
        bytes.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress?.withMemoryRebound(to: CChar.self, capacity: buffer.count) { qt_restore_set_reset_bytes($0, buffer.count) }
        }
    }

    /// Puts the earlier handlers back after a normal shutdown.
    static func uninstall() {
        signals.withUnsafeBufferPointer { qt_restore_uninstall($0.baseAddress, Int32($0.count)) }
    }
}
