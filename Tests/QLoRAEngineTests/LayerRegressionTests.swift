import Testing
@testable import QLoRAEngine

@Suite struct LayerRegressionTests {
    @Test func theLossFallsOverAnNF4Base() throws {
        var workload = try LayerRegression.workload(features: 48, rank: 4, alpha: 8, inputShape: [2, 5, 48], seed: 1)
        let losses = (0..<40).map { _ in workload.step() }
        #expect(losses[39] < 0.9 * losses[0])
        #expect(workload.layer.b.scalars.contains { $0 != 0 })
    }

    /// Large enough that the base product is split between two threads: the losses keep every bit.
    @Test(.enabled(if: Cores.available >= 2, "splitting needs two cores"))
    func twoThreadsGiveTheBitsOfOne() throws {
        // 256 x 256 x 256 multiply-adds reach the threshold where a product takes a second thread.
        #expect(TrainingWorkspace.threads(2, m: 256, n: 256, k: 256) == 2, "the product is split")
        #expect(TrainingWorkspace(threads: 2).threads == 2)
        var one = try LayerRegression.workload(features: 256, rank: 4, alpha: 8, inputShape: [256, 256], seed: 2, threads: 1)
        var two = try LayerRegression.workload(features: 256, rank: 4, alpha: 8, inputShape: [256, 256], seed: 2, threads: 2)
        for _ in 0..<2 { #expect(one.step().bitPattern == two.step().bitPattern) }
        #expect(one.layer.a == two.layer.a)
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
