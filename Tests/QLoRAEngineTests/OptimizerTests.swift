import Testing
@testable import QLoRAEngine

@Suite struct OptimizerTests {
    static let start: [Float] = [1, -2, 0.5, 0]
    static let gradients: [[Float]] = [[0.5, -1, 2, 0], [-0.25, 0.75, 1, 1e-3], [1.5, 0, -3, -2]]

    static func run(_ optimizer: inout some Optimizer) -> [Float] {
        var parameters = Tensor(shape: [4], scalars: start)
        for gradient in gradients {
            optimizer.update(&parameters, gradient: Tensor(shape: [4], scalars: gradient), slot: 0)
        }
        return parameters.scalars
    }

    /// Values printed by torch 2.x for the same three steps (`p.grad = g; opt.step()`), lr 0.1.
    static let torchResults: [String: [Double]] = [
        "adam": [0.8063163161277771, -1.8841626644134521, 0.3149797320365906, -0.010560020804405212],
        "adam weight_decay 0.5": [0.7341159582138062, -1.7473491430282593, 0.30492520332336426, -0.01055949181318283],
        "adamw weight_decay 0.5": [0.6747729778289795, -1.6091091632843018, 0.25807809829711914, -0.006839387118816376],
        "sgd momentum 0.9 dampening 0.1 weight_decay 0.5": [0.5241600275039673, -1.3600574731826782, -0.032918110489845276, 0.1798330545425415],
        "sgd nesterov momentum 0.9": [0.61080002784729, -1.8593498468399048, 0.1111999899148941, 0.3797290027141571],
    ]

    static func expectClose(_ actual: [Float], _ name: String) {
        let expected = torchResults[name] ?? []
        #expect(expected.count == actual.count, "\(name)")
        for (value, reference) in zip(actual, expected) {
            #expect(abs(Double(value) - reference) <= 2e-6 * max(1, abs(reference)), "\(name): \(value) vs \(reference)")
        }
    }

    @Test func adamMatchesTorch() {
        var adam = Adam(learningRate: 0.1)
        Self.expectClose(Self.run(&adam), "adam")
    }

    @Test func adamWithCoupledDecayMatchesTorch() {
        var adam = Adam(learningRate: 0.1, weightDecay: .coupled(0.5))
        Self.expectClose(Self.run(&adam), "adam weight_decay 0.5")
    }

    @Test func adamWMatchesTorch() {
        var adamW = Adam.adamW(learningRate: 0.1, weightDecay: 0.5)
        Self.expectClose(Self.run(&adamW), "adamw weight_decay 0.5")
    }

    @Test func sgdWithMomentumMatchesTorch() {
        var sgd = SGD(learningRate: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.5)
        Self.expectClose(Self.run(&sgd), "sgd momentum 0.9 dampening 0.1 weight_decay 0.5")
    }

    @Test func nesterovMatchesTorch() {
        var sgd = SGD(learningRate: 0.1, momentum: 0.9, nesterov: true)
        Self.expectClose(Self.run(&sgd), "sgd nesterov momentum 0.9")
    }

    /// By hand: after one step m̂ = g and v̂ = g², so the step is lr · g / (|g| + ε) ≈ lr · sign(g).
    @Test func adamsFirstStepIsTheLearningRateTimesTheSign() {
        var adam = Adam(learningRate: 0.01)
        var parameters = Tensor(shape: [3], scalars: [0, 0, 0])
        adam.update(&parameters, gradient: Tensor(shape: [3], scalars: [3, -0.002, 0]), slot: 0)
        #expect(abs(parameters.scalars[0] + 0.01) < 1e-8)
        #expect(abs(parameters.scalars[1] - 0.01) < 1e-7)
        #expect(parameters.scalars[2] == 0)
    }

    /// By hand, plain SGD: p = p - lr g, twice.
    @Test func plainSGDStepsByTheGradient() {
        var sgd = SGD(learningRate: 0.5)
        var parameters = Tensor(shape: [2], scalars: [1, 1])
        sgd.update(&parameters, gradient: Tensor(shape: [2], scalars: [1, -2]), slot: 0)
        sgd.update(&parameters, gradient: Tensor(shape: [2], scalars: [1, -2]), slot: 0)
        #expect(parameters.scalars == [0, 3])
        #expect(sgd.stateBytes == 0)
    }

    @Test func slotsKeepSeparateState() {
        var adam = Adam(learningRate: 0.1)
        var first = Tensor(shape: [4], scalars: Self.start)
        var second = Tensor(shape: [2], scalars: [5, 5])
        for gradient in Self.gradients {
            adam.update(&first, gradient: Tensor(shape: [4], scalars: gradient), slot: 0)
            adam.update(&second, gradient: Tensor(shape: [2], scalars: [1, 1]), slot: 1)
        }
        Self.expectClose(first.scalars, "adam")
        #expect(adam.stateBytes == 2 * 4 * (4 + 2))
    }
}
