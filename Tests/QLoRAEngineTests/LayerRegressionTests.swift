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
        // 256 x 256 x 256 multiply-adds reach the threshold where a product takes a second thread.
        #expect(TrainingWorkspace.threads(2, m: 256, n: 256, k: 256) == 2)
        var one = try LayerRegression.workload(features: 256, rank: 4, alpha: 8, inputShape: [256, 256], seed: 2, threads: 1)
        var two = try LayerRegression.workload(features: 256, rank: 4, alpha: 8, inputShape: [256, 256], seed: 2, threads: 2)
        #expect(two.workspace.threads == 2)
        for _ in 0..<2 { #expect(one.step().bitPattern == two.step().bitPattern) }
        #expect(one.layer.a == two.layer.a && one.layer.b == two.layer.b)
        // Each step's forward product x Wᵀ was computed in two shares (the backward one, with no
        // input gradient asked for, has no product with W); one thread computed all of one's.
        #expect(two.workspace.parallelPartitions == 2 * 2)
        #expect(one.workspace.parallelPartitions == 0)
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
