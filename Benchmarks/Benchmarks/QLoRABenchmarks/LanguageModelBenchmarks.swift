import Benchmark
import Foundation
import QLoRAEngine

/// L1, L2 and L3: the tiny Llama of `peer_lm.py` (vocab 256, hidden 128, intermediate 344, 4 layers,
/// 4 heads, 4 key/value heads) on a batch of 16 x 128 random ids, on every core, as PyTorch runs it.
///
/// As in `peer_lm.py`, each workload is set up once and run three times before any run is timed,
/// so every timed run finds the model and its buffers as a training loop does: in use.
func languageModelBenchmarks() {
    // L1: one QLoRA step: NF4 base (blocks of 64, double quantization), LoRA r 8, alpha 16 on all
    // seven linears, causal-LM loss, backward, AdamW (lr 1e-3) on the adapters.
    Benchmark(
        "L1-lm-qlora-step", configuration: .init(maxDuration: .seconds(10), maxIterations: 50),
        closure: { benchmark, training in training.measure(benchmark) },
        setup: { try TrainingSteps(base: .nf4) })

    // L2: the same step over the float32 base.
    Benchmark(
        "L2-lm-lora-step", configuration: .init(maxDuration: .seconds(10), maxIterations: 50),
        closure: { benchmark, training in training.measure(benchmark) },
        setup: { try TrainingSteps(base: .float32) })

    // L3: the loss of L2's float32 base on the same batch, no gradients.
    Benchmark(
        "L3-lm-eval", configuration: .init(maxDuration: .seconds(10), maxIterations: 100),
        closure: { benchmark, evaluation in evaluation.measure(benchmark) },
        setup: { try Evaluation() })
}

/// Runs a workload `peer_lm.py`'s way: three untimed runs once, then timed runs.
private protocol LanguageModelWorkload: AnyObject {
    /// One run: a training step, or an evaluation.
    func run() throws -> Float
}

extension LanguageModelWorkload {
    /// Runs the workload three times, untimed: buffers, AdamW's state and caches settle.
    func warmUp() throws {
        for _ in 0..<3 { blackHole(try run()) }
    }

    /// Times the benchmark's runs; a workload that throws fails the benchmark.
    func measure(_ benchmark: Benchmark) {
        do {
            for _ in benchmark.scaledIterations { blackHole(try run()) }
        } catch {
            benchmark.error("\(error)")
        }
    }
}

/// L1 and L2: LoRA training steps over a base stored in `format`.
private final class TrainingSteps: LanguageModelWorkload {
    private var trainer: LlamaTrainer
    private let batch: LlamaBatch

    init(base format: FrozenBase.Format) throws {
        var (model, batch) = try languageModelWorkload()
        if format != .float32 {
            model = try model.quantized(format, blocksize: 64, doubleQuantization: true)
        }
        try model.addAdapters(LlamaLoRASettings(lora: .init(rank: 8, alpha: 16)), seed: 0)
        trainer = try LlamaTrainer(
            model: model, batchSize: batch.batchSize, sequenceLength: batch.sequenceLength, training: .adapters,
            optimizer: .adamW(learningRate: 1e-3), threads: ProcessInfo.processInfo.activeProcessorCount)
        self.batch = batch
        try warmUp()
    }

    func run() throws -> Float { try trainer.step(batch) }
}

/// L3: the loss of the float32 base.
private final class Evaluation: LanguageModelWorkload {
    private let model: LlamaModel
    private let batch: LlamaBatch
    private let workspace: LlamaWorkspace

    init() throws {
        (model, batch) = try languageModelWorkload()
        workspace = try LlamaWorkspace(
            for: model, batchSize: batch.batchSize, sequenceLength: batch.sequenceLength,
            threads: ProcessInfo.processInfo.activeProcessorCount)
        try warmUp()
    }

    func run() throws -> Float { try model.loss(batch, workspace: workspace) }
}

/// `peer_lm.py`'s model, freshly initialised, and a batch of 16 sequences of 128 random ids.
private func languageModelWorkload() throws -> (LlamaModel, LlamaBatch) {
    let configuration = LlamaConfiguration(
        hiddenSize: 128, intermediateSize: 344, layerCount: 4, attentionHeadCount: 4, keyValueHeadCount: 4,
        maxPositionEmbeddings: 256)
    var generator = SeededGenerator(seed: 1)
    let ids = (0..<16).map { _ in (0..<128).map { _ in generator.nextIndex(below: 256) } }
    return (try LlamaModel(configuration: configuration, seed: 0), try LlamaBatch(ids, for: configuration))
}
