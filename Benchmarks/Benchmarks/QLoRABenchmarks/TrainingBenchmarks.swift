import Benchmark
import Foundation
import QLoRAEngine

/// T1 and T2: one QLoRA training step of a single layer, as `peer_train.py` runs it in PyTorch
/// (NF4 base dequantized inside the forward pass, MSE, Adam on A and B only), on every core, as
/// PyTorch runs it.
func trainingBenchmarks() {
    // A step takes a fifth of a millisecond: up to a thousand of them (as many as fit in the
    // harness's second) make a median that a moment of noise on a shared machine cannot move.
    Benchmark("T1-train-step-512-r8", configuration: .init(maxIterations: 1000)) { benchmark in
        try measureSteps(benchmark, of: LayerRegression.workload(
            features: 512, rank: 8, alpha: 16, inputShape: [2, 10, 512], threads: ProcessInfo.processInfo.activeProcessorCount))
    }

    Benchmark(
        "T2-train-step-4096-r16",
        configuration: .init(maxDuration: .seconds(10), maxIterations: 10)
    ) { benchmark in
        try measureSteps(benchmark, of: LayerRegression.workload(
            features: 4096, rank: 16, alpha: 16, inputShape: [4, 128, 4096], threads: ProcessInfo.processInfo.activeProcessorCount))
    }
}

/// Times the workload's training steps, after one untimed step that settles its buffers and Adam's state.
private func measureSteps(_ benchmark: Benchmark, of workload: LayerRegression) {
    var workload = workload
    _ = workload.step()
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
        blackHole(workload.step())
    }
}
