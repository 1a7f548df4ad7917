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
            ParameterSpec(
                name: "rank", summary: "The adapters' rank r; at 16 the adapters hold more values than the network's own weights.",
                domain: .numbers([1, 2, 4, 8, 16]), defaultValue: .number(4)),
            ParameterSpec(name: "seed", summary: "Seeds the tasks, the network, the adapters and the batches.", domain: .range(0...99, step: 1), defaultValue: .number(0)),
        ]
    }

    public func declaredResults(for parameters: ParameterValues) throws -> Set<ResultKey> {
        // A method that does not run has no results.
        let methods = try FineTuningMethod.parseList(try parameters.word("methods"), source: "methods")
        return Set([.sourceAccuracy, .accuracyBefore, .labelsChangedPercent] + methods.flatMap(ResultKey.perMethod))
    }

    /// Runs the comparison, handing `progress` the loss curves so far at most once per
    /// `reportInterval` so a front end can draw them as they train; checks `isCancelled` after
    /// every step, pretraining included, and throws `CancellationError` when it stopped early.
    public func run(
        _ parameters: ParameterValues, request: SectionRequest<Self>, progress: (SectionProgress) -> Void, isCancelled: () -> Bool
    ) throws -> SectionRun<Self> {
        var settings = FineTuningComparison.Settings()
        settings.task = try parameters.choice("task", as: ToyTask.Kind.self)
        settings.methods = try FineTuningMethod.parseList(try parameters.word("methods"), source: "methods")
        settings.steps = try parameters.integer("steps")
        settings.seed = UInt64(clamping: try parameters.integer("seed"))
        let rank = try parameters.integer("rank")
        settings.adapter = LoRALinear.Configuration(rank: rank, alpha: Float(2 * rank))
        var curvesSoFar: [(method: FineTuningMethod, losses: [Float])] = []
        var spacing = ReportSpacing(interval: reportInterval)
        let comparison = try FineTuningComparison(
            settings: settings,
            onStep: { method, step in
                if curvesSoFar.last?.method != method { curvesSoFar.append((method, [])) }
                curvesSoFar[curvesSoFar.count - 1].losses.append(step.loss)
                if request.wants(.curves), spacing.isDue() {
                    progress(SectionProgress(outputs: [OutputKey.curves.rawValue: [.series(Self.curves(curvesSoFar))]]))
                }
                return true
            },
            isCancelled: isCancelled)

        var run = SectionRun<Self>()
        run.results = [
            .sourceAccuracy: comparison.pretrainedOnSource.accuracy,
            .accuracyBefore: comparison.pretrainedOnTarget.accuracy,
            .labelsChangedPercent: 100 * comparison.labelsChanged,
        ]
        for result in comparison.results {
            let method = result.method
            run.results[.firstLoss(method)] = Self.mean(result.losses.prefix(Self.smoothingWindow))
            run.results[.lastLoss(method)] = Self.mean(result.losses.suffix(Self.smoothingWindow))
            run.results[.testLoss(method)] = Double(result.final.loss)
            run.results[.testAccuracy(method)] = result.final.accuracy
            run.results[.trainable(method)] = Double(result.trainableParameters)
            run.results[.frozenBytes(method)] = Double(result.memory.frozenWeights)
            run.results[.bytesHeld(method)] = Double(result.memory.total)
            run.results[.dequantizedValuesPerForward(method)] = Double(result.dequantizedValuesPerForward)
        }
        for key in request.outputs {
            run.outputs[key] = [Self.output(key, comparison: comparison, results: run.results)]
        }
        return run
    }

    /// The output `key` names, from a finished comparison.
    static func output(_ key: OutputKey, comparison: FineTuningComparison, results: [ResultKey: Double]) -> Output {
        let settings = comparison.settings
        switch key {
        case .task:
            let network = comparison.widths.map(String.init).joined(separator: "-")
            return .table(OutputTable(
                title: "A \(network) ReLU network, adapted to a new task (\(settings.task.rawValue))",
                headers: ["", "value"], alignments: [.left, .right],
                rows: [
                    ["accuracy on the task it was trained for", NumberFormat.percent(100 * comparison.pretrainedOnSource.accuracy, digits: 1)],
                    ["labels the new task changed", NumberFormat.percent(100 * comparison.labelsChanged, digits: 1)],
                    ["accuracy on the new task, before adapting", NumberFormat.percent(100 * comparison.pretrainedOnTarget.accuracy, digits: 1)],
                ] + comparison.results.map { ["values \($0.method.rawValue) trains", NumberFormat.count($0.trainableParameters)] }))
        case .curves:
            return .series(curves(comparison.results.map { ($0.method, $0.losses) }))
        case .summary:
            return .table(OutputTable(
                title: "After \(settings.steps) steps, rank \(settings.adapter.rank), the same batches for every method",
                headers: ["method", "first loss", "last loss", "test loss", "test accuracy", "trains", "bytes held"],
                alignments: [.left, .right, .right, .right, .right, .right, .right],
                rows: comparison.results.map { result in
                    [
                        result.method.rawValue, NumberFormat.significant(results[.firstLoss(result.method)] ?? .nan),
                        NumberFormat.significant(results[.lastLoss(result.method)] ?? .nan),
                        NumberFormat.significant(Double(result.final.loss)), NumberFormat.percent(100 * result.final.accuracy, digits: 1),
                        NumberFormat.count(result.trainableParameters), NumberFormat.count(result.memory.total),
                    ]
                }))
        case .speed:
            let lora = comparison.result(for: .lora)?.medianStepDuration
            return .table(OutputTable(
                title: "Per step: dequantized weights (exact) and median time (this run)",
                headers: ["method", "frozen weights stored", "dequantized per forward", "median step", "vs lora"],
                alignments: [.left, .right, .right, .right, .right],
                rows: comparison.results.map { result in
                    let time = result.medianStepDuration
                    let ratio = lora.map { $0 > .zero ? seconds(time) / seconds($0) : .nan } ?? .nan
                    return [
                        result.method.rawValue, NumberFormat.bytes(Double(result.memory.frozenWeights)),
                        NumberFormat.count(result.dequantizedValuesPerForward),
                        String(format: "%.3f ms", 1000 * seconds(time)), ratio.isFinite ? String(format: "%.2fx", ratio) : "-",
                    ]
                }))
        }
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
