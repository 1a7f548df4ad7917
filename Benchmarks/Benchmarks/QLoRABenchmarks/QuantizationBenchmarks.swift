import Benchmark
import QLoRAEngine

/// Inputs built once, outside every timed region.
enum QuantizationInputs {
    /// Q1's input: 4096x4096 float32 from N(0, 0.02), like a transformer weight.
    static let weight4096: Tensor = {
        var generator = SeededGenerator(seed: 0)
        return Tensor.normal(rows: 4096, columns: 4096, standardDeviation: 0.02, using: &generator)
    }()

    /// Q2's input: Q1's output.
    static let quantized4096: FourBitQuantized = {
        do {
            return try FourBitQuantized(quantizing: weight4096, type: .nf4, blocksize: 64)
        } catch {
            fatalError("the benchmark input is valid: \(error)")
        }
    }()
}

func quantizationBenchmarks() {
    Benchmark("copy-limit-4096") { benchmark in
        let source = QuantizationInputs.weight4096.scalars
        var destination = [Float](repeating: 0, count: source.count)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            destination.withUnsafeMutableBufferPointer { destination in
                source.withUnsafeBufferPointer { source in
                    destination.baseAddress!.update(from: source.baseAddress!, count: source.count)
                }
            }
            blackHole(destination)
        }
        // Stopped here, not when the closure returns: freeing the 64 MiB buffer is no part of a copy.
        benchmark.stopMeasurement()
    } setup: {
        _ = QuantizationInputs.weight4096
    }

    Benchmark("Q1-quantize-nf4-4096") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try FourBitQuantized(quantizing: QuantizationInputs.weight4096, type: .nf4, blocksize: 64))
        }
    } setup: {
        _ = QuantizationInputs.weight4096
    }

    Benchmark("Q2-dequantize-nf4-4096") { benchmark in
        let quantized = QuantizationInputs.quantized4096
        var output = [Float](repeating: 0, count: quantized.count)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            output.withUnsafeMutableBufferPointer { quantized.dequantize(into: $0) }
            blackHole(output)
        }
        // Stopped here, not when the closure returns: the buffer is allocated once, and freeing it
        // (64 MiB of pages given back) is no part of dequantizing.
        benchmark.stopMeasurement()
    } setup: {
        _ = QuantizationInputs.quantized4096
    }

    Benchmark("Q3-quantize-nf4-dq-4096") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(
                try FourBitQuantized(
                    quantizing: QuantizationInputs.weight4096, type: .nf4, blocksize: 64, doubleQuantization: true))
        }
    } setup: {
        _ = QuantizationInputs.weight4096
    }
}
