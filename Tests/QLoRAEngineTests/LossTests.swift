import Foundation
import Testing
@testable import QLoRAEngine

@Suite struct LossTests {
    @Test func meanSquaredErrorAndItsGradientByHand() {
        let prediction: [Float] = [1, 2, 3, 4], target: [Float] = [0, 2, 5, 4]
        var gradient = [Float](repeating: .nan, count: 4)
        let loss = prediction.withUnsafeBufferPointer { p in
            target.withUnsafeBufferPointer { t in
                gradient.withUnsafeMutableBufferPointer { Loss.meanSquaredError(prediction: p, target: t, gradient: $0) }
            }
        }
        #expect(loss == 1.25)  // (1 + 0 + 4 + 0) / 4
        #expect(gradient == [0.5, 0, -1, 0])  // 2 (p - t) / 4
    }

    @Test func crossEntropyAndItsGradientByHand() {
        let logits: [Float] = [0, 0, 1000, 1000], labels = [1, 0]
        var gradient = [Float](repeating: .nan, count: 4)
        let loss = logits.withUnsafeBufferPointer { z in
            labels.withUnsafeBufferPointer { y in
                gradient.withUnsafeMutableBufferPointer { Loss.softmaxCrossEntropy(logits: z, labels: y, classes: 2, gradient: $0) }
            }
        }
        #expect(abs(loss - Float(log(2.0))) < 1e-6)  // both rows are coin flips, even at logits of 1000
        #expect(gradient == [0.25, -0.25, -0.25, 0.25])  // (softmax - onehot) / 2
    }
}
