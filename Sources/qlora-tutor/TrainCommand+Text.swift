import Foundation
import QLoRAEngine

extension TrainCommand {
    /// The comparison as text: what ran, one row per method, the bytes by part, and step times.
    static func text(_ comparison: FineTuningComparison) -> String {
        let settings = comparison.settings
        let widths = comparison.widths.map(String.init).joined(separator: "-")
        var lines = [
            "task \(settings.task.rawValue), seed \(settings.seed): a \(widths) ReLU network without biases, \(comparison.widths.last ?? 0) classes",
            "pretrained \(settings.pretrainingSteps) steps on the source task: \(evaluation(comparison.pretrainedOnSource))",
            "held-out target data before adapting: \(evaluation(comparison.pretrainedOnTarget)); "
                + "the new task changed \(percent(comparison.labelsChanged)) of the labels",
            "adapted \(settings.steps) steps per method, batch \(settings.batchSize), Adam lr \(settings.learningRate); "
                + "adapters rank \(settings.adapter.rank), alpha \(number(settings.adapter.alpha)) on every layer",
            "",
        ]
        lines.append(TextTable.numeric(
            [["method", "trainable", "first loss", "last-10 loss", "test loss", "test accuracy", "bytes held"]]
                + comparison.results.map { result in
                    [
                        result.method.rawValue, "\(result.trainableParameters)", fixed(result.losses.first ?? 0),
                        fixed(lastLoss(result)), fixed(result.final.loss), percent(result.final.accuracy),
                        "\(result.memory.total)",
                    ]
                }).render())
        lines += ["", "bytes held, by part:"]
        lines.append(TextTable.numeric(
            [["method", "frozen weights", "trainable", "gradients", "optimizer", "activations", "scratch", "total"]]
                + comparison.results.map { result in
                    let memory = result.memory
                    return [result.method.rawValue] + [
                        memory.frozenWeights, memory.trainableParameters, memory.gradients, memory.optimizerState,
                        memory.activations, memory.scratch, memory.total,
                    ].map(String.init)
                }).render())
        lines += ["", "median step time (wall clock, varies from run to run):"]
        let reference = comparison.result(for: .lora)?.medianStepDuration
        lines.append(TextTable.numeric(comparison.results.map { result in
            var row = [result.method.rawValue, milliseconds(result.medianStepDuration)]
            if let reference, reference > .zero, result.method != .lora {
                row.append(String(format: "%.2fx lora's", result.medianStepDuration / reference))
            }
            return row
        }).render())
        return lines.joined(separator: "\n")
    }

    /// Mean mini-batch loss of the last ten steps: less noisy than the last step alone.
    static func lastLoss(_ result: FineTuningComparison.MethodResult) -> Float {
        let tail = result.losses.suffix(10)
        return tail.isEmpty ? 0 : tail.reduce(0, +) / Float(tail.count)
    }

    static func evaluation(_ evaluation: Trainer.Evaluation) -> String {
        "loss \(fixed(evaluation.loss)), accuracy \(percent(evaluation.accuracy))"
    }

    static func fixed(_ value: Float) -> String { String(format: "%.4f", value) }

    static func percent(_ share: Double) -> String { String(format: "%.1f%%", 100 * share) }

    static func number(_ value: Float) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    static func milliseconds(_ duration: Duration) -> String {
        String(format: "%.3f ms", duration / .milliseconds(1))
    }
}
