import Benchmark
import Foundation
import QLoRAEngine

/// L1, L2 and L3: the tiny Llama of `peer_lm.py` (vocab 256, hidden 128, intermediate 344, 4 layers,
/// 4 heads, 4 key/value heads) on a batch of 16 x 128 random ids, on every core, as PyTorch runs it.
func languageModelBenchmarks() {
    // L1: one QLoRA step: NF4 base (blocks of 64, double quantization), LoRA r 8, alpha 16 on all
    // seven linears, causal-LM loss, backward, AdamW (lr 1e-3) on the adapters.
    Benchmark("L1-lm-qlora-step", configuration: .init(maxDuration: .seconds(10), maxIterations: 20)) { benchmark in
        try measureTrainingSteps(benchmark, base: .nf4)
    }

    // L2: the same step over the float32 base.
    Benchmark("L2-lm-lora-step", configuration: .init(maxDuration: .seconds(10), maxIterations: 20)) { benchmark in
        try measureTrainingSteps(benchmark, base: .float32)
    }

    // L3: the loss of L2's float32 base on the same batch, no gradients.
    Benchmark("L3-lm-eval", configuration: .init(maxDuration: .seconds(10), maxIterations: 50)) { benchmark in
        let (model, batch) = try languageModelWorkload()
        let workspace = try LlamaWorkspace(
            for: model, batchSize: batch.batchSize, sequenceLength: batch.sequenceLength,
            threads: ProcessInfo.processInfo.activeProcessorCount)
        blackHole(try model.loss(batch, workspace: workspace))  // the first pass settles the buffers
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try model.loss(batch, workspace: workspace))
        }
    }
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

/// Times LoRA training steps over a base stored in `format`, after one untimed step that settles
/// the buffers and AdamW's state.
private func measureTrainingSteps(_ benchmark: Benchmark, base format: FrozenBase.Format) throws {
    var (model, batch) = try languageModelWorkload()
    if format != .float32 {
        model = try model.quantized(format, blocksize: 64, doubleQuantization: true)
    }
    try model.addAdapters(LlamaLoRASettings(lora: .init(rank: 8, alpha: 16)), seed: 0)
    var trainer = try LlamaTrainer(
        model: model, batchSize: batch.batchSize, sequenceLength: batch.sequenceLength, training: .adapters,
        optimizer: .adamW(learningRate: 1e-3), threads: ProcessInfo.processInfo.activeProcessorCount)
    blackHole(try trainer.step(batch))
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
        blackHole(try trainer.step(batch))
    }
}
