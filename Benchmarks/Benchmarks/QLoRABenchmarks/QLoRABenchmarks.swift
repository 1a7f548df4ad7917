import Benchmark
import QLoRAEngine

/// The named workloads of the benchmark table (see README.md), each beside the peers that run the
/// same work in Python in the same sitting.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident],
        timeUnits: .microseconds,
        warmupIterations: 1,
        maxDuration: .seconds(5),
        maxIterations: 50
    )
    quantizationBenchmarks()
    trainingBenchmarks()
    languageModelBenchmarks()
    courseBenchmarks()
    gradingBenchmarks()
    renderBenchmarks()
}
