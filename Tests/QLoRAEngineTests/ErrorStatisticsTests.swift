import Foundation
import Testing
@testable import QLoRAEngine

@Suite struct ErrorStatisticsTests {
    @Test func smallExampleByHand() {
        let original = Tensor(shape: [4], scalars: [1, 2, 3, 4])
        let reconstructed = Tensor(shape: [2, 2], scalars: [1, 2, 3, 5])
        let statistics = ErrorStatistics(original: original, reconstructed: reconstructed, blocksize: 3)
        #expect(statistics.meanAbsoluteError == 0.25)
        #expect(statistics.meanSquaredError == 0.25)
        #expect(statistics.rootMeanSquaredError == 0.5)
        #expect(statistics.maximumAbsoluteError == 1)
        #expect(statistics.signalToQuantizationNoiseDecibels == 10 * log10(30.0))
        #expect(statistics.perBlockMeanSquaredError == [0, 1])
    }

    @Test func exactReconstruction() {
        let tensor = Tensor(shape: [3], scalars: [1, -2, 0.5])
        let statistics = ErrorStatistics(original: tensor, reconstructed: tensor)
        #expect(statistics.meanSquaredError == 0)
        #expect(statistics.signalToQuantizationNoiseDecibels == .infinity)
        #expect(statistics.perBlockMeanSquaredError == [0])
    }

    /// 4-bit NF4 on normal weights: the textbook ~6 dB per bit puts it near 20 dB.
    @Test func nf4OnNormalWeights() throws {
        var generator = SeededGenerator(seed: 11)
        let tensor = Tensor.normal(rows: 64, columns: 64, standardDeviation: 0.02, using: &generator)
        let quantized = try FourBitQuantized(quantizing: tensor, type: .nf4)
        let statistics = ErrorStatistics(original: tensor, reconstructed: quantized.dequantized(), blocksize: 64)
        #expect(statistics.perBlockMeanSquaredError.count == 64)
        #expect(statistics.signalToQuantizationNoiseDecibels > 17 && statistics.signalToQuantizationNoiseDecibels < 23)
        let minMax = try MinMax4BitQuantized(quantizing: tensor)
        let minMaxStatistics = ErrorStatistics(original: tensor, reconstructed: minMax.dequantized())
        #expect(statistics.meanSquaredError < minMaxStatistics.meanSquaredError)
    }
}
