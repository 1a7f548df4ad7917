import Testing
@testable import QLoRAEngine

@Suite struct LoRALinearTests {
    static func baseWeight(out: Int, in inFeatures: Int, seed: UInt64 = 11) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return .normal(rows: out, columns: inFeatures, standardDeviation: 0.2, using: &generator)
    }

    static func input(rows: Int, columns: Int, seed: UInt64 = 12) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return .normal(rows: rows, columns: columns, using: &generator)
    }

    /// A layer whose B is random, so every gradient is non-trivial.
    static func trainedLayer(base: FrozenBase, dropout: Float = 0, rankStabilized: Bool = false) throws -> LoRALinear {
        var generator = SeededGenerator(seed: 13)
        let configuration = LoRALinear.Configuration(rank: 3, alpha: 6, dropout: dropout, rankStabilized: rankStabilized)
        var layer = try LoRALinear(base: base, configuration: configuration, generator: &generator)
        layer.b = .normal(rows: layer.outFeatures, columns: 3, standardDeviation: 0.5, using: &generator)
        return layer
    }

    /// x Wᵀ in double precision.
    static func baseOutput(_ x: Tensor, _ weight: Tensor) -> [Double] {
        var result: [Double] = []
        for row in 0..<x.rows {
            for out in 0..<weight.rows {
                var sum = 0.0
                for column in 0..<x.columns { sum += Double(x[row, column]) * Double(weight[out, column]) }
                result.append(sum)
            }
        }
        return result
    }

    @Test func aNewLayerComputesItsBase() throws {
        let weight = Self.baseWeight(out: 7, in: 10)
        var generator = SeededGenerator(seed: 1)
        let layer = try LoRALinear(base: .float32(weight), configuration: .init(rank: 4, alpha: 16), generator: &generator)
        let x = Self.input(rows: 5, columns: 10)
        let y = layer(x)
        #expect(layer.b.scalars.allSatisfy { $0 == 0 })
        for (actual, expected) in zip(y.scalars, Self.baseOutput(x, weight)) {
            #expect(abs(Double(actual) - expected) < 1e-5)
        }
    }

    @Test func kaimingUniformStaysInsideOneOverRootFanIn() throws {
        var generator = SeededGenerator(seed: 2)
        let layer = try LoRALinear(base: .float32(Tensor(shape: [8, 64])), configuration: .init(rank: 16), generator: &generator)
        let bound: Float = 1 / 8
        #expect(layer.a.shape == [16, 64] && layer.b.shape == [8, 16])
        #expect(layer.a.scalars.allSatisfy { abs($0) <= bound })
        #expect((layer.a.scalars.map(abs).max() ?? 0) > 0.9 * bound)
    }

    @Test func gaussianInitialisationHasStandardDeviationOneOverRank() throws {
        var generator = SeededGenerator(seed: 3)
        let configuration = LoRALinear.Configuration(rank: 4, initialization: .gaussian)
        let layer = try LoRALinear(base: .float32(Tensor(shape: [2, 1000])), configuration: configuration, generator: &generator)
        let values = layer.a.scalars.map(Double.init)
        let variance = values.map { $0 * $0 }.reduce(0, +) / Double(values.count)
        #expect(abs(variance.squareRoot() - 0.25) < 0.01)
    }

    @Test func scalingIsAlphaOverRankOrOverRootRank() {
        #expect(LoRALinear.Configuration(rank: 8, alpha: 16).scaling == 2)
        #expect(LoRALinear.Configuration(rank: 16, alpha: 16, rankStabilized: true).scaling == 4)
    }

    @Test(arguments: [(0, Float(8), Float(0)), (4, .nan, 0), (4, 8, 1), (4, 8, -0.1)])
    func badConfigurationsThrow(rank: Int, alpha: Float, dropout: Float) {
        var generator = SeededGenerator(seed: 4)
        #expect(throws: InputError.self) {
            _ = try LoRALinear(base: .float32(Tensor(shape: [2, 2])), configuration: .init(rank: rank, alpha: alpha, dropout: dropout), generator: &generator)
        }
    }

    /// L = Σ c ⊙ y is linear in A, in B and in x, so a central difference is exact but for rounding.
    @Test(arguments: [Float(0), 0.3])
    func gradientsAgreeWithFiniteDifferences(dropout: Float) throws {
        let layer = try Self.trainedLayer(base: .float32(Self.baseWeight(out: 6, in: 9)), dropout: dropout)
        let x = Self.input(rows: 4, columns: 9)
        let weights = Self.input(rows: 4, columns: 6, seed: 99)
        func loss(_ layer: LoRALinear, _ x: Tensor) -> Double {
            var generator: SeededGenerator? = SeededGenerator(seed: 5)
            let y = layer.forward(x, dropoutGenerator: &generator).output
            return zip(y.scalars, weights.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        var generator: SeededGenerator? = SeededGenerator(seed: 5)
        let buffers = layer.forward(x, dropoutGenerator: &generator).buffers
        let gradients = layer.backward(x, outputGradient: weights, buffers: buffers)
        let step: Float = 0.25
        func central(_ change: (Float) -> Double) -> Double { (change(step) - change(-step)) / Double(2 * step) }

        for index in layer.a.scalars.indices {
            let numeric = central { delta in var moved = layer; moved.a.scalars[index] += delta; return loss(moved, x) }
            #expect(abs(numeric - Double(gradients.a.scalars[index])) < 1e-3, "dL/dA[\(index)]")
        }
        for index in layer.b.scalars.indices {
            let numeric = central { delta in var moved = layer; moved.b.scalars[index] += delta; return loss(moved, x) }
            #expect(abs(numeric - Double(gradients.b.scalars[index])) < 1e-3, "dL/dB[\(index)]")
        }
        for index in x.scalars.indices {
            let numeric = central { delta in var moved = x; moved.scalars[index] += delta; return loss(layer, moved) }
            #expect(abs(numeric - Double(gradients.input.scalars[index])) < 1e-3, "dL/dx[\(index)]")
        }
    }

    @Test func dropoutZeroesAboutPAndIsSeeded() throws {
        let layer = try Self.trainedLayer(base: .float32(Self.baseWeight(out: 4, in: 50)), dropout: 0.5)
        let x = Self.input(rows: 40, columns: 50)
        var first: SeededGenerator? = SeededGenerator(seed: 6)
        var second: SeededGenerator? = SeededGenerator(seed: 6)
        let (y1, buffers) = layer.forward(x, dropoutGenerator: &first)
        let (y2, _) = layer.forward(x, dropoutGenerator: &second)
        #expect(y1 == y2)
        let zeroed = buffers.keep.filter { $0 == 0 }.count
        #expect(abs(Double(zeroed) / Double(buffers.keep.count) - 0.5) < 0.05)
        #expect(buffers.keep.allSatisfy { $0 == 0 || $0 == 2 })
        #expect(y1 != layer(x))
    }

    /// Without a generator the layer runs in evaluation mode, and backward follows that forward.
    @Test func evaluationModeBackwardMatchesALayerWithoutDropout() throws {
        let weight = Self.baseWeight(out: 5, in: 6)
        let withDropout = try Self.trainedLayer(base: .float32(weight), dropout: 0.5)
        let without = try LoRALinear(base: .float32(weight), a: withDropout.a, b: withDropout.b,
                                     configuration: .init(rank: 3, alpha: 6))
        let x = Self.input(rows: 3, columns: 6)
        let g = Self.input(rows: 3, columns: 5, seed: 77)
        var none: SeededGenerator? = nil
        let first = withDropout.backward(x, outputGradient: g, buffers: withDropout.forward(x, dropoutGenerator: &none).buffers)
        let second = without.backward(x, outputGradient: g, buffers: without.forward(x, dropoutGenerator: &none).buffers)
        #expect(first == second)
    }
}
