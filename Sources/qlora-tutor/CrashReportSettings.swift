import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Swift's crash reports, set so that one never waits for a key.
///
/// On a terminal the runtime's backtracer asks "Press space to interact…" and waits half a
/// minute over the tutor's screen before the process may end. The runtime reads
/// `SWIFT_BACKTRACE` once, before `main` runs, so the setting is made by starting the program
/// again with `interactive=no` added: only on a terminal, only once, and never over a choice
/// the person made themselves. (The terminal itself is put back by `TerminalRestore` before the
/// report prints.)
enum CrashReportSettings {
    static func apply() {
        #if os(Linux)
        guard isatty(STDIN_FILENO) == 1 || isatty(STDERR_FILENO) == 1 else { return }
        let current = getenv("SWIFT_BACKTRACE").map { String(cString: $0) } ?? ""
        guard !current.contains("interactive=") else { return }
        // The binary's own path, not /proc/self/exe, so the process keeps its name.
        var path = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard readlink("/proc/self/exe", &path, Int(PATH_MAX)) > 0 else { return }
        setenv("SWIFT_BACKTRACE", current.isEmpty ? "interactive=no" : current + ",interactive=no", 1)
        execv(path, CommandLine.unsafeArgv)
        // execv returns only when it failed: carry on with the runtime's default.
        #endif
    }
}
