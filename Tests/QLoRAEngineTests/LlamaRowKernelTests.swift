import CQLoRAKernels
import Foundation
import Testing
@testable import QLoRAEngine

/// The kernels between a Llama layer's products: the same bits at every vector level, whatever a
/// row's length (full vectors, a tail, or both), and the arithmetic they claim.
@Suite struct LlamaRowKernelTests {
    static let levels = VectorLevelTests.levels

    static func values(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in generator.nextNormal() * scale }
    }

    @Test func exponentialIsWithinOneUlpAndTheSameAtEveryLevel() {
        var x: [Float] = []
        var value: Float = -103.5
        while value < 88.7 {
            x.append(value)
            value += 0.0137 + abs(value) * 1e-4
        }
        x += [0, -0, 1, -1, .infinity, -.infinity, 88.72, 88.73, -87.3, -200, 200]
        var results: [[Float]] = []
        for level in Self.levels {
            var y = [Float](repeating: .nan, count: x.count)
            qlora_exponential(level, x, &y, x.count)
            results.append(y)
        }
        for y in results.dropFirst() { #expect(y.map(\.bitPattern) == results[0].map(\.bitPattern)) }
        let y = results[0]
        for (input, output) in zip(x, y) {
            let exact = Foundation.exp(Double(input))
            guard exact <= Double(Float.greatestFiniteMagnitude) else {
                #expect(output == .infinity, "e^\(input)")
                continue
            }
            // Below the normal range the spacing of floats is fixed: one step of it.
            let ulp = Double(max(Float(exact).ulp, .leastNonzeroMagnitude))
            #expect(abs(Double(output) - exact) <= ulp, "e^\(input) = \(output), exactly \(exact)")
        }
        let nan: [Float] = [.nan]
        var result: [Float] = [0]
        qlora_exponential(VectorLevelTests.levels[0], nan, &result, 1)
        #expect(result[0].isNaN)
    }

    /// Sixteen values at a time (two vectors side by side) give each value's bits alone.
    @Test func exponentialSixteenAtATimeIsEachValueAlone() {
        let x = Self.values(37, seed: 7, scale: 20)
        for level in Self.levels {
            var together = [Float](repeating: .nan, count: x.count), alone: [Float] = [.nan]
            qlora_exponential(level, x, &together, x.count)
            for (index, value) in x.enumerated() {
                qlora_exponential(level, [value], &alone, 1)
                #expect(together[index].bitPattern == alone[0].bitPattern, "e^\(value)")
            }
        }
    }

    /// Runs `kernel` at each level on the same inputs and expects the same output bits.
    func expectSameBitsAtEveryLevel(_ kernel: (qlora_vector_level) -> [Float]) {
        let outputs = Self.levels.map(kernel)
        for output in outputs.dropFirst() { #expect(output.map(\.bitPattern) == outputs[0].map(\.bitPattern)) }
    }

    @Test(arguments: [1, 7, 8, 13, 32, 37])
    func everyKernelGivesTheSameBitsAtEveryLevel(width: Int) {
        let rows = 5
        let x = Self.values(rows * width, seed: 1), w = Self.values(width, seed: 2), dy = Self.values(rows * width, seed: 3)
        expectSameBitsAtEveryLevel { level in
            var y = [Float](repeating: 0, count: rows * width), r = [Float](repeating: 0, count: rows)
            qlora_rms_norm_rows(level, x, w, width, 1e-6, rows, &y, &r)
            var dx = dy, dw = w
            qlora_rms_norm_rows_backward(level, x, w, r, dy, width, rows, &dx)
            qlora_rms_norm_weight_gradient(level, x, r, dy, width, rows, &dw)
            return y + r + dx + dw
        }
        expectSameBitsAtEveryLevel { level in
            var activated = x, dg = x, du = x
            qlora_swiglu(level, x, dy, &activated, x.count)
            qlora_swiglu_backward(level, x, dy, w + x, &dg, &du, x.count)
            return activated + dg + du
        }
        expectSameBitsAtEveryLevel { level in
            // Row width - 1 alone, then the last rows of a block that ends at the diagonal.
            var scores = x, gradient = dy
            let blockRows = min(rows - 1, width)
            qlora_causal_softmax_rows(level, &scores, width - 1, 1, width)
            scores.withUnsafeMutableBufferPointer { scores in
                qlora_causal_softmax_rows(level, scores.baseAddress! + width, width - blockRows, blockRows, width)
            }
            qlora_causal_softmax_rows_backward(level, scores, &gradient, width - 1, 1, width)
            return scores + gradient
        }
        expectSameBitsAtEveryLevel { level in
            let ids = (0..<rows).map { Int32($0 * 3 % width) }
            var losses = [Float](repeating: .nan, count: rows), gradient = x
            qlora_cross_entropy_rows(level, x, ids, 0, rows, rows, width, rows - 1, &losses, &gradient)
            return losses + gradient
        }
        expectSameBitsAtEveryLevel { level in
            let half = width, (cos, sin) = (Self.values(3 * half, seed: 4), Self.values(3 * half, seed: 5))
            var rotated = Self.values(rows * 2 * 2 * half, seed: 6)
            qlora_rotate_rows(level, &rotated, 1, rows - 1, 3, 2, half, cos, sin, 1)
            return rotated
        }
    }

    @Test func softmaxRowsSumToOneAndMaskTheFuture() {
        let width = 21
        var scores = Self.values(width * width, seed: 7, scale: 30)
        for level in Self.levels {
            var copy = scores
            qlora_causal_softmax_rows(level, &copy, 0, width, width)
            for i in 0..<width {
                let row = copy[i * width..<(i + 1) * width]
                #expect(abs(row.prefix(i + 1).reduce(0, +) - 1) < 1e-5)
                #expect(row.dropFirst(i + 1).allSatisfy { $0 == 0 })
                let maximum = scores[i * width...i * width + i].max()!
                let exact = Foundation.exp(Double(scores[i * width] - maximum))
                    / scores[i * width...i * width + i].reduce(0.0) { $0 + Foundation.exp(Double($1 - maximum)) }
                #expect(abs(Double(row.first!) - exact) <= 1e-6 * max(1, exact))
            }
            if level == Self.levels.last { scores = copy }
        }
    }
}
