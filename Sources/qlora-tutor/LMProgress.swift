import Foundation

/// Shows training as it runs, on standard error: one rewritten line on a terminal; in a pipe or a
/// log, a line at every tenth of the steps, so the output stays readable.
struct LMProgress {
    private let onTerminal = isatty(STDERR_FILENO) == 1
    private let label: String
    private let steps: Int

    init(_ label: String, steps: Int) {
        self.label = label
        self.steps = steps
    }

    func step(_ step: Int, loss: Float) {
        let line = "\(label) step \(step)/\(steps) loss \(String(format: "%.4f", loss))"
        if onTerminal {
            write("\r\u{1B}[K" + line)
        } else if step % max(1, steps / 10) == 0 || step == steps {
            write(line + "\n")
        }
    }

    func finish() {
        if onTerminal { write("\r\u{1B}[K") }
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
