import ArgumentParser
import Foundation
import QLoRAEngine

/// `qlora-tutor train`: full fine-tuning, LoRA and QLoRA adapting the same small network to the
/// same task, with what each one reaches and what each one holds.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Compare full fine-tuning, LoRA and QLoRA on a toy task that trains in seconds.",
        discussion: """
            A 16-32-32-4 ReLU network is fitted to a synthetic classification task, then adapted to a \
            related one by each method from the same start on the same batches: every weight trains \
            (full), or a LoRA adapter of rank 4 trains on each layer over a frozen base kept in float32 \
            (lora), NF4, FP4, int4 or int8 (qlora-*). Tasks: low-rank-shift (the new task's teacher \
            differs by a rank-2 change per layer), full-rank-shift (by a dense change of the same size). \
            Prints each method's training and held-out loss, accuracy, trainable parameters and the \
            bytes the run held; step times are wall-clock, shown as text, and in --json or --csv only \
            with --timings. The numbers are the same on every run for a seed.
            """
    )

    @Option(help: "The task: low-rank-shift or full-rank-shift.")
    var task = ToyTask.Kind.lowRankShift.rawValue

    @Option(parsing: .unconditional, help: "Adaptation steps per method.")
    var steps = FineTuningComparison.Settings().steps

    @Option(help: "Comma-separated methods: full, lora, qlora-nf4, qlora-fp4, qlora-int4, qlora-int8.")
    var methods = FineTuningMethod.standard.map(\.rawValue).joined(separator: ",")

    @Option(parsing: .unconditional, help: "Seeds the data, the network, the adapters and the batches.")
    var seed: UInt64 = 0

    @Flag(help: "Print one JSON object: settings, every step's loss, results.")
    var json = false

    @Flag(help: "Print one CSV row per method.")
    var csv = false

    @Flag(help: "Add wall-clock step times to --json and --csv.")
    var timings = false

    func run() throws {
        let settings = try makeSettings()
        let progress = Progress(methods: settings.methods, steps: settings.steps)
        progress.pretraining()
        let comparison = try FineTuningComparison(settings: settings) { method, report in
            progress.step(method, report)
            return true
        }
        progress.finish()
        if json {
            print(try Self.json(comparison, timings: timings))
        } else if csv {
            print(Self.csv(comparison, timings: timings), terminator: "")
        } else {
            print(Self.text(comparison))
        }
    }

    /// The settings the flags ask for.
    func makeSettings() throws -> FineTuningComparison.Settings {
        if json && csv { throw InputError("--csv", "cannot be combined with --json; choose one") }
        var settings = FineTuningComparison.Settings()
        settings.task = try ToyTask.kind(named: task)
        settings.steps = steps
        settings.methods = try FineTuningMethod.parseList(methods)
        settings.seed = seed
        try settings.validate()
        return settings
    }
}

extension TrainCommand {
    /// Shows training as it runs, on standard error: one rewritten line on a terminal, a plain
    /// line per finished method otherwise, so piped output and logs stay readable.
    struct Progress {
        private let onTerminal = isatty(STDERR_FILENO) == 1
        private let methods: [FineTuningMethod]
        private let steps: Int

        init(methods: [FineTuningMethod], steps: Int) {
            self.methods = methods
            self.steps = steps
        }

        func pretraining() {
            if onTerminal { write("\rpretraining on the source task ...") }
        }

        func step(_ method: FineTuningMethod, _ report: Trainer.StepReport) {
            let position = (methods.firstIndex(of: method) ?? 0) + 1
            if onTerminal {
                if report.step % 5 == 0 || report.step == steps {
                    let loss = String(format: "%.4f", report.loss)
                    write("\r\u{1B}[K[\(position)/\(methods.count)] \(method.rawValue) step \(report.step)/\(steps) loss \(loss)")
                }
            } else if report.step == steps {
                write("\(method.rawValue): \(steps) steps, last loss \(String(format: "%.4f", report.loss))\n")
            }
        }

        func finish() {
            if onTerminal { write("\r\u{1B}[K") }
        }

        private func write(_ text: String) {
            FileHandle.standardError.write(Data(text.utf8))
        }
    }
}
