import Testing
@testable import QLoRAEngine

/// The LoRA layer over packed bases: the QLoRA layer.
@Suite struct QLoRALayerTests {
    @Test(arguments: FrozenBase.Format.allCases)
    func aNewLayerComputesItsDequantizedBase(format: FrozenBase.Format) throws {
        let weight = LoRALinearTests.baseWeight(out: 12, in: 40)
        let base = try FrozenBase(quantizing: weight, format: format)
        var generator = SeededGenerator(seed: 1)
        let layer = try LoRALinear(base: base, configuration: .init(rank: 4, alpha: 8), generator: &generator)
        let x = LoRALinearTests.input(rows: 3, columns: 40)
        let y = layer(x)
        for (actual, expected) in zip(y.scalars, LoRALinearTests.baseOutput(x, base.dequantized())) {
            #expect(abs(Double(actual) - expected) < 1e-5)
        }
        #expect(format == .float32 || base.dequantized() != weight)
    }

    /// Decoding inside the product gives the bits of multiplying by `dequantized()`.
    /// 33 x 77 has odd rows, so blocks of 64 straddle rows and rows start mid-byte; 40 x 128 has
    /// rows of whole blocks, the shape of real layers.
    @Test(arguments: FrozenBase.Format.allCases, [
        (21, 300, false), (21, 300, true), (33, 77, false), (33, 77, true), (40, 128, false), (40, 128, true),
    ])
    func theFusedProductEqualsTheProductWithTheDequantizedWeight(
        format: FrozenBase.Format, shape: (out: Int, in: Int, transposed: Bool)
    ) throws {
        let base = try FrozenBase(quantizing: LoRALinearTests.baseWeight(out: shape.out, in: shape.in), format: format)
        let (fused, reference) = Self.fusedAndDequantizedProducts(base, transposed: shape.transposed)
        #expect(fused == reference)
    }

    /// Integer blocks of 3 straddle rows and start at any element, odd ones included.
    @Test(arguments: [FrozenBase.Format.int4, .int8], [false, true])
    func theFusedProductHandlesBlocksOfThree(format: FrozenBase.Format, transposed: Bool) throws {
        let weight = LoRALinearTests.baseWeight(out: 19, in: 40)
        let base = try FrozenBase(quantizing: weight, format: format, blocksize: 3)
        let (fused, reference) = Self.fusedAndDequantizedProducts(base, transposed: transposed)
        #expect(fused == reference)
    }

    /// The bits of `a · W` (or `a · Wᵀ`) with W decoded inside the product, and with `dequantized()`.
    static func fusedAndDequantizedProducts(_ base: FrozenBase, transposed: Bool) -> (fused: [UInt32], reference: [UInt32]) {
        let (out, inFeatures) = (base.outFeatures, base.inFeatures)
        let a = LoRALinearTests.input(rows: 6, columns: transposed ? inFeatures : out)
        let n = transposed ? out : inFeatures
        var panels = [Float](repeating: 0, count: MatrixMultiply.panelScratchCount(threads: 1))
        var fused = [Float](repeating: 0, count: 6 * n), reference = fused
        let dequantized = base.dequantized()
        a.scalars.withUnsafeBufferPointer { aValues in
            let aOperand = MatrixMultiply.Operand(aValues, rows: 6, columns: a.columns)
            panels.withUnsafeMutableBufferPointer { panels in
                fused.withUnsafeMutableBufferPointer { base.multiply(aOperand, transposed: transposed, into: $0, panels: panels) }
                dequantized.scalars.withUnsafeBufferPointer { w in
                    let wOperand = MatrixMultiply.Operand(w, rows: out, columns: inFeatures)
                    reference.withUnsafeMutableBufferPointer {
                        MatrixMultiply.multiply(aOperand, transposed ? wOperand.transposed : wOperand, into: $0, panels: panels)
                    }
                }
            }
        }
        return (fused.map(\.bitPattern), reference.map(\.bitPattern))
    }

    @Test(arguments: [FrozenBase.Format.nf4, .int4])
    func gradientsOverAPackedBaseAgreeWithFiniteDifferences(format: FrozenBase.Format) throws {
        let base = try FrozenBase(quantizing: LoRALinearTests.baseWeight(out: 5, in: 70), format: format)
        let layer = try LoRALinearTests.trainedLayer(base: base)
        let x = LoRALinearTests.input(rows: 2, columns: 70)
        let weights = LoRALinearTests.input(rows: 2, columns: 5, seed: 98)
        func loss(_ layer: LoRALinear, _ x: Tensor) -> Double {
            zip(layer(x).scalars, weights.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        var generator: SeededGenerator? = nil
        let buffers = layer.forward(x, dropoutGenerator: &generator).buffers
        let gradients = layer.backward(x, outputGradient: weights, buffers: buffers)
        for index in stride(from: 0, to: layer.a.count, by: 7) {
            var plus = layer, minus = layer
            plus.a.scalars[index] += 0.25
            minus.a.scalars[index] -= 0.25
            #expect(abs((loss(plus, x) - loss(minus, x)) / 0.5 - Double(gradients.a.scalars[index])) < 1e-3)
        }
        for index in stride(from: 0, to: x.count, by: 5) {
            var plus = x, minus = x
            plus.scalars[index] += 0.25
            minus.scalars[index] -= 0.25
            #expect(abs((loss(layer, plus) - loss(layer, minus)) / 0.5 - Double(gradients.input.scalars[index])) < 1e-3)
        }
    }

    /// |x (W' - W_exact)ᵀ| ≤ Σ|x| · max|W' - W_exact|, so the merged layer's error is bounded by the reported error.
    @Test(arguments: FrozenBase.Format.allCases)
    func theMergedLayerMatchesTheAdaptedOneWithinItsReportedError(format: FrozenBase.Format) throws {
        let base = try FrozenBase(quantizing: LoRALinearTests.baseWeight(out: 16, in: 64), format: format)
        let layer = try LoRALinearTests.trainedLayer(base: base)
        let merged = try layer.merged()
        #expect(merged.base.format == format)
        let x = LoRALinearTests.input(rows: 4, columns: 64)
        let adapted = layer(x)
        let mergedOutput = LoRALinearTests.baseOutput(x, merged.base.dequantized())
        let exactOutput = LoRALinearTests.baseOutput(x, merged.exactWeight)
        for row in 0..<4 {
            let inputSize = (0..<64).reduce(0.0) { $0 + abs(Double(x[row, $1])) }
            let bound = inputSize * merged.requantizationError.maximumAbsoluteError + 1e-4
            for out in 0..<16 {
                #expect(abs(Double(adapted[row, out]) - exactOutput[row * 16 + out]) < 1e-4)
                #expect(abs(Double(adapted[row, out]) - mergedOutput[row * 16 + out]) <= bound)
            }
        }
        if format == .float32 {
            #expect(merged.requantizationError.maximumAbsoluteError == 0)
        } else {
            #expect(merged.requantizationError.maximumAbsoluteError > 0)
        }
    }

    /// The tutorial notebook's layer, 512 x 512 at rank 8, in NF4 with blocksize 64.
    @Test func storedBuffersAreTheRealBytes() throws {
        var generator = SeededGenerator(seed: 3)
        let weight = Tensor.normal(rows: 512, columns: 512, standardDeviation: 0.02, using: &generator)
        let layer = try LoRALinear(base: FrozenBase(quantizing: weight, format: .nf4), configuration: .init(rank: 8, alpha: 16), generator: &generator)
        let bytes = Dictionary(uniqueKeysWithValues: layer.storedBuffers.map { ($0.name, $0.bytes) })
        #expect(bytes["base_layer.weight"] == 512 * 512 / 2)
        #expect(bytes["base_layer.absmax"] == 512 * 512 / 64 * 4)
        #expect(bytes["lora_A.weight"] == 8 * 512 * 4)
        #expect(bytes["lora_B.weight"] == 512 * 8 * 4)
        #expect(layer.trainableParameterCount == 8 * (512 + 512))
        #expect(layer.storedBytes == bytes.values.reduce(0, +))
    }
}
