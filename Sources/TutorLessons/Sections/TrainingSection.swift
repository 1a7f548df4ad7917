import Foundation
import QLoRAEngine

/// The `train` section: full fine-tuning, LoRA and QLoRA adapting one pretrained toy network to
/// one new task, from the same start on the same batches, with their loss curves, what they reach
/// and what they hold.
public struct TrainingSection: LessonSection {
    /// The shortest wall-clock time between two reports of the curves so far.
    public var reportInterval: Duration

    public init(reportInterval: Duration = ReportSpacing.interactiveInterval) {
        self.reportInterval = reportInterval
    }

    public let name = "train"
    public let summary = "Full fine-tuning, LoRA and QLoRA on the same toy task: loss curves, accuracy, bytes, speed."

    /// The method lists a block may run.
    static let methodLists = ["full,lora,qlora-nf4", "full,lora,qlora-nf4,qlora-fp4,qlora-int4"]
    /// Steps the `curves` output averages over, so mini-batch noise does not hide the trend.
    static let smoothingWindow = 10

    /// The name a method's results carry: `full`, `lora`, `qlora` (NF4), `qlora_fp4`, `qlora_int4`, `qlora_int8`.
    static func key(_ method: FineTuningMethod) -> String {
        method == .qloraNF4 ? "qlora" : method.rawValue.replacingOccurrences(of: "-", with: "_")
    }

    public var parameters: [ParameterSpec] {
        [
            ParameterSpec(
                name: "task", summary: "`low-rank-shift` (the new task differs by a rank-2 change per layer) or `full-rank-shift` (a dense one).",
                domain: .choices(ToyTask.Kind.allCases.map(\.rawValue)), defaultValue: .word(ToyTask.Kind.lowRankShift.rawValue)),
            ParameterSpec(
                name: "methods", summary: "The methods, as `qlora-tutor train --methods` takes them.",
                domain: .choices(Self.methodLists), defaultValue: .word(Self.methodLists[0])),
            ParameterSpec(name: "steps", summary: "Adaptation steps per method.", domain: .numbers([50, 100, 200, 400]), defaultValue: .number(200)),
            ParameterSpec(name: "rank", summary: "The adapters' rank r.", domain: .numbers([1, 2, 4, 8, 16]), defaultValue: .number(4)),
            ParameterSpec(name: "seed", summary: "Seeds the tasks, the network, the adapters and the batches.", domain: .range(0...99, step: 1), defaultValue: .number(0)),
        ]
    }

    public var outputs: [(name: String, summary: String)] {
        [
            ("task", "The toy task: the network, how well it does before adapting, what each method trains."),
            ("curves", "Each method's training loss, step by step (a running mean over 10 steps)."),
            ("summary", "Each method's losses, held-out accuracy, trainable values and bytes held."),
            ("speed", "What each method dequantizes per forward pass, and its median step time on this machine."),
        ]
    }

    public var results: [(name: String, summary: String)] {
        var results: [(name: String, summary: String)] = [
            ("source_accuracy", "The pretrained network's accuracy on its own task."),
            ("accuracy_before", "Its accuracy on held-out data of the new task, before adapting."),
            ("labels_changed_percent", "Share of held-out inputs whose label the new task changed, in percent."),
        ]
        for method in FineTuningMethod.allCases {
            let key = Self.key(method)
            results += [
                ("first_loss_\(key)", "\(method.rawValue): mean training loss of the first 10 steps."),
                ("last_loss_\(key)", "\(method.rawValue): mean training loss of the last 10 steps."),
                ("test_loss_\(key)", "\(method.rawValue): loss on held-out data after adapting."),
                ("test_accuracy_\(key)", "\(method.rawValue): accuracy on held-out data after adapting."),
                ("trainable_\(key)", "\(method.rawValue): values that train."),
                ("frozen_bytes_\(key)", "\(method.rawValue): bytes of frozen weights as stored."),
                ("bytes_held_\(key)", "\(method.rawValue): every byte the run held."),
                ("dequantized_values_per_forward_\(key)", "\(method.rawValue): weights dequantized in each forward pass."),
            ]
        }
        return results
    }

    public func run(_ parameters: ParameterValues) throws -> SectionResult {
        try run(parameters, progress: { _ in }, isCancelled: { false })
    }

    /// Runs the comparison, handing `progress` the loss curves so far at most once per
    /// `reportInterval` so a front end can draw them as they train; checks `isCancelled` after
    /// every step, pretraining included, and throws `CancellationError` when it stopped early.
    public func run(
        _ parameters: ParameterValues, progress: (SectionProgress) -> Void, isCancelled: () -> Bool
    ) throws -> SectionResult {
        var settings = FineTuningComparison.Settings()
        settings.task = try ToyTask.kind(named: parameters.word("task"), source: "task")
        settings.methods = try FineTuningMethod.parseList(parameters.word("methods"), source: "methods")
        settings.steps = parameters.integer("steps")
        settings.seed = UInt64(clamping: parameters.integer("seed"))
        let rank = parameters.integer("rank")
        settings.adapter = LoRALinear.Configuration(rank: rank, alpha: Float(2 * rank))
        var curvesSoFar: [(method: FineTuningMethod, losses: [Float])] = []
        var spacing = ReportSpacing(interval: reportInterval)
        let comparison = try FineTuningComparison(
            settings: settings,
            onStep: { method, step in
                if curvesSoFar.last?.method != method { curvesSoFar.append((method, [])) }
                curvesSoFar[curvesSoFar.count - 1].losses.append(step.loss)
                if spacing.isDue() { progress(SectionProgress(outputs: ["curves": [.series(Self.curves(curvesSoFar))]])) }
                return true
            },
            isCancelled: isCancelled)

        let weightValues = zip(comparison.widths, comparison.widths.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 }
        var results: [String: Double] = [
            "source_accuracy": comparison.pretrainedOnSource.accuracy,
            "accuracy_before": comparison.pretrainedOnTarget.accuracy,
            "labels_changed_percent": 100 * comparison.labelsChanged,
        ]
        for result in comparison.results {
            let key = Self.key(result.method)
            let window = Self.smoothingWindow
            let quantized = result.method.baseFormat.map { $0 != .float32 } ?? false
            results["first_loss_\(key)"] = Self.mean(result.losses.prefix(window))
            results["last_loss_\(key)"] = Self.mean(result.losses.suffix(window))
            results["test_loss_\(key)"] = Double(result.final.loss)
            results["test_accuracy_\(key)"] = result.final.accuracy
            results["trainable_\(key)"] = Double(result.trainableParameters)
            results["frozen_bytes_\(key)"] = Double(result.memory.frozenWeights)
            results["bytes_held_\(key)"] = Double(result.memory.total)
            results["dequantized_values_per_forward_\(key)"] = quantized ? Double(weightValues) : 0
        }

        let network = comparison.widths.map(String.init).joined(separator: "-")
        let taskTable = OutputTable(
            title: "A \(network) ReLU network, adapted to a new task (\(settings.task.rawValue))",
            headers: ["", "value"], alignments: [.left, .right],
            rows: [
                ["accuracy on the task it was trained for", SectionFormat.percent(100 * comparison.pretrainedOnSource.accuracy, digits: 1)],
                ["labels the new task changed", SectionFormat.percent(100 * comparison.labelsChanged, digits: 1)],
                ["accuracy on the new task, before adapting", SectionFormat.percent(100 * comparison.pretrainedOnTarget.accuracy, digits: 1)],
            ] + comparison.results.map { ["values \($0.method.rawValue) trains", SectionFormat.count($0.trainableParameters)] })
        let curves = Self.curves(comparison.results.map { ($0.method, $0.losses) })
        let summary = OutputTable(
            title: "After \(settings.steps) steps, rank \(rank), the same batches for every method",
            headers: ["method", "first loss", "last loss", "test loss", "test accuracy", "trains", "bytes held"],
            alignments: [.left, .right, .right, .right, .right, .right, .right],
            rows: comparison.results.map { result in
                let key = Self.key(result.method)
                return [
                    result.method.rawValue, (results["first_loss_\(key)"] ?? .nan).compact, (results["last_loss_\(key)"] ?? .nan).compact,
                    Double(result.final.loss).compact, SectionFormat.percent(100 * result.final.accuracy, digits: 1),
                    SectionFormat.count(result.trainableParameters), SectionFormat.count(result.memory.total),
                ]
            })
        let lora = comparison.result(for: .lora)?.medianStepDuration
        let speed = OutputTable(
            title: "Per step: dequantized weights (exact) and median time (this run)",
            headers: ["method", "frozen weights stored", "dequantized per forward", "median step", "vs lora"],
            alignments: [.left, .right, .right, .right, .right],
            rows: comparison.results.map { result in
                let key = Self.key(result.method)
                let time = result.medianStepDuration
                let ratio = lora.map { $0 > .zero ? Self.seconds(time) / Self.seconds($0) : .nan } ?? .nan
                return [
                    result.method.rawValue, SectionFormat.bytes(Double(result.memory.frozenWeights)),
                    SectionFormat.count(Int(results["dequantized_values_per_forward_\(key)"] ?? 0)),
                    String(format: "%.3f ms", 1000 * Self.seconds(time)), ratio.isFinite ? String(format: "%.2fx", ratio) : "-",
                ]
            })
        return SectionResult(
            outputs: ["task": [.table(taskTable)], "curves": [.series(curves)], "summary": [.table(summary)], "speed": [.table(speed)]],
            results: results)
    }

    /// Each method's losses as a smoothed line.
    static func curves(_ losses: [(method: FineTuningMethod, losses: [Float])]) -> Series {
        Series(
            title: "Training loss, running mean of \(smoothingWindow) steps", xLabel: "step", yLabel: "loss",
            lines: losses.map { Series.Line(name: $0.method.rawValue, values: runningMean($0.losses, window: smoothingWindow)) })
    }

    /// The mean of some losses, in double precision.
    static func mean(_ values: ArraySlice<Float>) -> Double {
        values.isEmpty ? .nan : values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
    }

    /// Each value replaced by the mean of itself and up to `window - 1` values before it.
    static func runningMean(_ values: [Float], window: Int) -> [Float] {
        values.indices.map { index in
            let slice = values[max(0, index - window + 1)...index]
            return Float(mean(slice))
        }
    }

    /// A duration in seconds.
    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
