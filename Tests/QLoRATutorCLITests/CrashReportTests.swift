import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A crash in the tutor (here SIGQUIT, Ctrl-\) leaves the terminal restored and ends at once:
/// Swift's crash report used to ask "Press space to interact…" and wait half a minute.
@Suite struct CrashReportTests {
    /// The ids of `pid`'s descendants, nearest first.
    private func descendants(of pid: pid_t) -> [pid_t] {
        let children = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task"))?.flatMap { task -> [pid_t] in
            let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? ""
            return text.split(separator: " ").compactMap { pid_t($0) }
        } ?? []
        return children + children.flatMap(descendants)
    }

    private func command(of pid: pid_t) -> String {
        ((try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(.timeLimit(.minutes(1)), .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func aQuitSignalRestoresTheTerminalAndNeverWaitsForAKey() throws {
        let scratch = try ScratchFolder()
        let process = Process()
        // `script` gives the tutor a terminal of its own, as a person's would be.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qfec", "\(CommandRunner.executable.path) --progress \(scratch.path("progress.json"))", "/dev/null"]
        var environment = ProcessInfo.processInfo.environment
        environment["TERM"] = "xterm-256color"
        environment["SWIFT_BACKTRACE"] = nil
        process.environment = environment
        let keys = Pipe()
        let screen = Pipe()
        process.standardInput = keys
        process.standardOutput = screen
        process.standardError = screen
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        var tutor: pid_t?
        for _ in 0..<100 where tutor == nil {
            usleep(100_000)
            tutor = descendants(of: process.processIdentifier).first { command(of: $0) == "qlora-tutor" }
        }
        let pid = try #require(tutor, "the tutor started")
        usleep(1_500_000)  // Let it draw its first screen.
        let started = Date()
        kill(pid, SIGQUIT)
        while process.isRunning, Date().timeIntervalSince(started) < 20 { usleep(100_000) }
        #expect(!process.isRunning, "the crash report ended within 20 s, without a key")
        let output = String(decoding: screen.fileHandleForReading.availableData, as: UTF8.self)
        #expect(!output.contains("Press space"), "\(output.suffix(400))")
        let leftAlternateScreen = try #require(output.range(of: "\u{1B}[?1049l"), "the terminal left the tutor's screen")
        if let report = output.range(of: "crashed") {
            #expect(leftAlternateScreen.lowerBound < report.lowerBound, "the terminal is restored before the report")
        }
    }
}
