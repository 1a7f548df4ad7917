import CQLoRAKernels
import Foundation

/// The losses the training loop minimises, each returning the loss and writing its gradient.
///
/// Sums run in double precision; the gradient is that of the mean over the batch, as PyTorch's
/// default `reduction="mean"` gives.
public enum Loss {
    /// mean((prediction - target)²) over every value; dL/dprediction = 2 (prediction - target) / n.
    public static func meanSquaredError(
        prediction: UnsafeBufferPointer<Float>, target: UnsafeBufferPointer<Float>,
        gradient: UnsafeMutableBufferPointer<Float>
    ) -> Float {
        precondition(prediction.count == target.count && gradient.count == prediction.count, "shape mismatch")
        let count = prediction.count
        guard count > 0 else { return 0 }
        let factor = 2 / Float(count)
        // Four running sums, element i into sum i mod 4: four additions in flight instead of one
        // chain, in an order fixed by the count alone.
        var sums = SIMD4<Double>()
        var index = 0
        while index + 4 <= count {
            var squares = SIMD4<Double>()
            for lane in 0..<4 {
                let difference = prediction[index + lane] - target[index + lane]
                squares[lane] = Double(difference * difference)
                gradient[index + lane] = factor * difference
            }
            sums += squares
            index += 4
        }
        while index < count {
            let difference = prediction[index] - target[index]
            sums[index % 4] += Double(difference * difference)
            gradient[index] = factor * difference
            index += 1
        }
        return Float(((sums[0] + sums[1]) + (sums[2] + sums[3])) / Double(count))
    }

    /// Cross-entropy of softmax(logits) against class labels, averaged over the rows:
    /// -log softmax(z)[label]. dL/dz = (softmax(z) - onehot(label)) / rows.
    ///
    /// - Parameters:
    ///   - logits: rows x classes.
    ///   - labels: one class index in 0..<classes per row.
    public static func softmaxCrossEntropy(
        logits: UnsafeBufferPointer<Float>, labels: UnsafeBufferPointer<Int>, classes: Int,
        gradient: UnsafeMutableBufferPointer<Float>
    ) -> Float {
        let rows = labels.count
        precondition(logits.count == rows * classes && gradient.count == logits.count, "shape mismatch")
        guard rows > 0 else { return 0 }
        var sum = 0.0
        for row in 0..<rows {
            let start = row * classes
            // Subtracting the largest logit keeps exp from overflowing and changes nothing else.
            var largest = -Float.infinity
            for column in 0..<classes { largest = max(largest, logits[start + column]) }
            for column in 0..<classes { gradient[start + column] = logits[start + column] - largest }
            // The kernels' e^x, which gives the same bits on every system (the C library's does not).
            let values = gradient.baseAddress.unsafelyUnwrapped + start
            qlora_exponential(.detected, values, values, classes)
            var total: Float = 0
            for column in 0..<classes { total += gradient[start + column] }
            let label = labels[row]
            sum += Double(log(total) + (largest - logits[start + label]))
            for column in 0..<classes {
                let probability = gradient[start + column] / total
                gradient[start + column] = (probability - (column == label ? 1 : 0)) / Float(rows)
            }
        }
        return Float(sum / Double(rows))
    }
}
