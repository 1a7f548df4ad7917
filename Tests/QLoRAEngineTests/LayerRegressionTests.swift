import Testing
@testable import QLoRAEngine

@Suite struct LayerRegressionTests {
    @Test func theLossFallsOverAnNF4Base() throws {
        var workload = try LayerRegression.workload(features: 48, rank: 4, alpha: 8, inputShape: [2, 5, 48], seed: 1)
        let losses = (0..<40).map { _ in workload.step() }
        #expect(losses[39] < 0.9 * losses[0])
        #expect(workload.layer.b.scalars.contains { $0 != 0 })
    }

    /// Large enough that the base product is split between two threads: the workspace counts the
    /// threads' shares, and the losses keep every bit.
    @Test(.enabled(if: Cores.available >= 2, "splitting needs two cores"))
    func twoThreadsGiveTheBitsOfOne() throws {
        // 512 x 512 x 512 multiply-adds: eight times the threshold where a product takes a second
        // thread, and long enough (tens of milliseconds) that the second one wakes before the first
        // has claimed every panel. At 256 it often had: the product was offered, not shared.
        #expect(TrainingWorkspace.threads(2, m: 512, n: 512, k: 512) == 2)
        var one = try LayerRegression.workload(features: 512, rank: 4, alpha: 8, inputShape: [512, 512], seed: 2, threads: 1)
        var two = try LayerRegression.workload(features: 512, rank: 4, alpha: 8, inputShape: [512, 512], seed: 2, threads: 2)
        #expect(two.workspace.threads == 2)
        // A busy machine can still hold the second thread back for one product; a few steps give it
        // the chance to join, and every step must keep the bits.
        var steps = 0
        repeat {
            #expect(one.step().bitPattern == two.step().bitPattern)
            steps += 1
        } while steps < 8 && (steps < 2 || two.workspace.parallelPartitions == 0)
        #expect(one.layer.a == two.layer.a && one.layer.b == two.layer.b)
        #expect(one.workspace.parallelPartitions == 0)
        #expect(two.workspace.parallelPartitions >= 2, "no product was shared by two threads in \(steps) steps")
        #expect(two.workspace.parallelPartitions.isMultiple(of: 2) && two.workspace.parallelPartitions <= 2 * steps)
        #expect(one.workspace.dequantizedValues == two.workspace.dequantizedValues)
    }

    @Test func mismatchedShapesThrow() throws {
        let workload = try LayerRegression.workload(features: 8, rank: 2, alpha: 2, inputShape: [3, 8])
        #expect(throws: InputError.self) {
            try LayerRegression(layer: workload.layer, input: Tensor(shape: [3, 7]), target: workload.target)
        }
        #expect(throws: InputError.self) {
            try LayerRegression(layer: workload.layer, input: workload.input, target: Tensor(shape: [2, 8]))
        }
        #expect(throws: InputError.self) {
            try LayerRegression.workload(features: 8, rank: 2, alpha: 2, inputShape: [3, 9])
        }
    }
}
