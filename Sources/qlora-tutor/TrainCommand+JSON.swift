import Foundation
import QLoRAEngine

/// The `--json` shape of `qlora-tutor train`, kept stable for scripts.
///
/// Keys are snake_case and sorted. `methods` holds one object per method in the order run, with
/// every step's mini-batch loss in `losses`, the held-out `test` loss and accuracy, and the bytes
/// held by part in `memory`. Step times appear (`median_step_seconds`, `step_seconds`) only with
/// `--timings`: without it the output is the same on every run for a seed.
struct TrainReport: Encodable {
    struct Evaluation: Encodable {
        var loss: Float
        var accuracy: Double

        init(_ evaluation: Trainer.Evaluation) {
            loss = evaluation.loss
            accuracy = evaluation.accuracy
        }
    }

    struct Memory: Encodable {
        var frozenWeights: Int
        var trainableParameters: Int
        var gradients: Int
        var optimizerState: Int
        var activations: Int
        var scratch: Int
        var total: Int

        init(_ memory: Trainer.Memory) {
            frozenWeights = memory.frozenWeights
            trainableParameters = memory.trainableParameters
            gradients = memory.gradients
            optimizerState = memory.optimizerState
            activations = memory.activations
            scratch = memory.scratch
            total = memory.total
        }
    }

    struct Method: Encodable {
        var method: String
        var trainableParameters: Int
        var losses: [Float]
        var test: Evaluation
        var memory: Memory
        var medianStepSeconds: Double?
        var stepSeconds: [Double]?
    }

    var task: String
    var seed: UInt64
    var widths: [Int]
    var steps: Int
    var pretrainingSteps: Int
    var batchSize: Int
    var learningRate: Float
    var rank: Int
    var alpha: Float
    var labelsChanged: Double
    var pretrainedOnSource: Evaluation
    var pretrainedOnTarget: Evaluation
    var methods: [Method]

    init(_ comparison: FineTuningComparison, timings: Bool) {
        let settings = comparison.settings
        task = settings.task.rawValue
        seed = settings.seed
        widths = comparison.widths
        steps = settings.steps
        pretrainingSteps = settings.pretrainingSteps
        batchSize = settings.batchSize
        learningRate = settings.learningRate
        rank = settings.adapter.rank
        alpha = settings.adapter.alpha
        labelsChanged = comparison.labelsChanged
        pretrainedOnSource = Evaluation(comparison.pretrainedOnSource)
        pretrainedOnTarget = Evaluation(comparison.pretrainedOnTarget)
        methods = comparison.results.map { result in
            Method(
                method: result.method.rawValue, trainableParameters: result.trainableParameters,
                losses: result.losses, test: Evaluation(result.final), memory: Memory(result.memory),
                medianStepSeconds: timings ? result.medianStepDuration / .seconds(1) : nil,
                stepSeconds: timings ? result.stepDurations.map { $0 / .seconds(1) } : nil)
        }
    }
}

extension TrainCommand {
    static func json(_ comparison: FineTuningComparison, timings: Bool) throws -> String {
        try CommandOutput.json(TrainReport(comparison, timings: timings))
    }

    /// One header line and one row per method; `median_step_seconds` only with `--timings`.
    static func csv(_ comparison: FineTuningComparison, timings: Bool) -> String {
        var header = [
            "method", "trainable_parameters", "first_loss", "last10_loss", "test_loss", "test_accuracy",
            "frozen_weights", "trainable_bytes", "gradients", "optimizer_state", "activations", "scratch", "total_bytes",
        ]
        if timings { header.append("median_step_seconds") }
        var lines = [header.joined(separator: ",")]
        for result in comparison.results {
            let memory = result.memory
            var row = [
                result.method.rawValue, "\(result.trainableParameters)", "\(result.losses.first ?? 0)",
                "\(lastLoss(result))", "\(result.final.loss)", "\(result.final.accuracy)",
            ] + [
                memory.frozenWeights, memory.trainableParameters, memory.gradients, memory.optimizerState,
                memory.activations, memory.scratch, memory.total,
            ].map(String.init)
            if timings { row.append("\(result.medianStepDuration / .seconds(1))") }
            lines.append(row.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
