import Foundation

/// How far a reconstruction is from the original: the numbers a quantization lesson shows.
///
/// Sums run in double precision, so the statistics do not themselves add rounding error.
public struct ErrorStatistics: Equatable {
    /// Mean of |original - reconstructed|.
    public let meanAbsoluteError: Double
    /// Mean of (original - reconstructed)².
    public let meanSquaredError: Double
    /// Square root of the mean squared error, in the units of the values.
    public let rootMeanSquaredError: Double
    /// The largest |original - reconstructed|.
    public let maximumAbsoluteError: Double
    /// Signal-to-quantization-noise ratio, 10·log10(Σ original² / Σ error²) in decibels:
    /// about 6 dB per bit for a uniform quantizer. +infinity when the reconstruction is exact.
    public let signalToQuantizationNoiseDecibels: Double
    /// The mean squared error of each block of `blocksize` values (flattened row-major; the last
    /// block may be shorter), or one entry for the whole tensor when no blocksize is given.
    public let perBlockMeanSquaredError: [Double]

    /// Compares `reconstructed` with `original`, value by value.
    ///
    /// - Parameter blocksize: the block length for `perBlockMeanSquaredError`; nil (or below 1)
    ///   for one block spanning the tensor.
    /// - Precondition: both tensors hold the same number of values.
    public init(original: Tensor, reconstructed: Tensor, blocksize: Int? = nil) {
        precondition(original.count == reconstructed.count,
                     "comparing \(original.count) values with \(reconstructed.count)")
        let count = original.count
        let span = max(1, blocksize ?? count)
        var absoluteSum = 0.0
        var squaredSum = 0.0
        var signalSum = 0.0
        var largest = 0.0
        var perBlock: [Double] = []
        var blockSquaredSum = 0.0
        for index in 0..<count {
            let signal = Double(original.scalars[index])
            let error = signal - Double(reconstructed.scalars[index])
            absoluteSum += abs(error)
            squaredSum += error * error
            signalSum += signal * signal
            largest = max(largest, abs(error))
            blockSquaredSum += error * error
            if (index + 1) % span == 0 || index + 1 == count {
                perBlock.append(blockSquaredSum / Double(index % span + 1))
                blockSquaredSum = 0
            }
        }
        let denominator = Double(max(count, 1))
        meanAbsoluteError = absoluteSum / denominator
        meanSquaredError = squaredSum / denominator
        rootMeanSquaredError = meanSquaredError.squareRoot()
        maximumAbsoluteError = largest
        signalToQuantizationNoiseDecibels = squaredSum == 0 ? .infinity : 10 * log10(signalSum / squaredSum)
        perBlockMeanSquaredError = perBlock
    }
}

extension ErrorStatistics: Sendable {}
