/// A linear layer with a frozen base weight and a trainable low-rank adapter (Hu et al. 2021),
/// laid out as peft's `lora.Linear`:
///
///     y = x Wᵀ + scaling · dropout(x) Aᵀ Bᵀ        A: r x in,  B: out x r
///
/// With a packed base (`FrozenBase.fourBit`) this is the QLoRA layer (Dettmers et al. 2023): W is
/// dequantized for each product and never trained; only A and B are. B starts at zero, so a new
/// layer computes exactly what its base computes.
public struct LoRALinear {
    /// The frozen weight W, `out` x `in`.
    public private(set) var base: FrozenBase
    /// The down-projection A, `r` x `in` (peft's `lora_A.weight`).
    public var a: Tensor
    /// The up-projection B, `out` x `r` (peft's `lora_B.weight`).
    public var b: Tensor
    /// Rank, alpha, dropout and initialisation.
    public let configuration: Configuration

    /// Input features: columns of W and of A.
    public var inFeatures: Int { base.inFeatures }
    /// Output features: rows of W and of B.
    public var outFeatures: Int { base.outFeatures }
    /// The adapter's rank r.
    public var rank: Int { configuration.rank }
    /// The factor on the adapter's output: alpha / r, or alpha / sqrt(r) for rsLoRA.
    public var scaling: Float { configuration.scaling }
    /// Values the adapter trains: r · (in + out).
    public var trainableParameterCount: Int { a.count + b.count }

    /// Wraps `base` with a fresh adapter: A drawn as `configuration.initialization` says, B zeros.
    ///
    /// - Throws: `InputError` when the configuration cannot be used or the base is not a matrix.
    public init(base: FrozenBase, configuration: Configuration, generator: inout SeededGenerator) throws {
        try configuration.validate()
        guard base.shape.count == 2, base.outFeatures > 0, base.inFeatures > 0 else {
            throw InputError("weight", "expected a matrix [out, in], got shape \(base.shape)")
        }
        self.base = base
        self.configuration = configuration
        let (r, inFeatures) = (configuration.rank, base.inFeatures)
        switch configuration.initialization {
        case .kaimingUniform:
            // kaiming_uniform_(a: sqrt 5): gain sqrt(2 / (1 + 5)) times sqrt(3 / fan_in) = 1 / sqrt(fan_in).
            let bound = 1 / Float(inFeatures).squareRoot()
            a = .uniform(rows: r, columns: inFeatures, in: -bound...bound, using: &generator)
        case .gaussian:
            a = .normal(rows: r, columns: inFeatures, standardDeviation: 1 / Float(r), using: &generator)
        case .fixedNormal:
            a = .normal(rows: r, columns: inFeatures, standardDeviation: 0.01, using: &generator)
        }
        b = Tensor(shape: [base.outFeatures, r])
    }

    /// Creates a layer from given parts, for merging and for tests.
    public init(base: FrozenBase, a: Tensor, b: Tensor, configuration: Configuration) throws {
        try configuration.validate()
        guard a.shape == [configuration.rank, base.inFeatures], b.shape == [base.outFeatures, configuration.rank]
        else {
            throw InputError("adapter", "expected A \([configuration.rank, base.inFeatures]) and B \([base.outFeatures, configuration.rank]), got \(a.shape) and \(b.shape)")
        }
        self.base = base
        self.a = a
        self.b = b
        self.configuration = configuration
    }
}

extension LoRALinear {
    /// What forward keeps for backward, and the gradients backward writes: sized once for a batch
    /// of `rows` inputs and reused every step.
    public struct StepBuffers {
        /// Inputs per step: the product of every dimension of x but the last.
        public let rows: Int
        /// Dropout multipliers per input value: 0 or 1 / (1 - p). Empty without dropout.
        var keep: [Float]
        /// dropout(x), the input the adapter saw. Empty without dropout.
        var droppedInput: [Float]
        /// The gradient with respect to dropout(x) before the mask. Empty without dropout.
        var droppedInputGradient: [Float]
        /// h = dropout(x) Aᵀ, `rows` x r.
        var hidden: [Float]
        /// dL/dh, `rows` x r.
        var hiddenGradient: [Float]
        /// dL/dA, r x in, written by `backward`.
        public internal(set) var gradientA: [Float]
        /// dL/dB, out x r, written by `backward`.
        public internal(set) var gradientB: [Float]

        /// Bytes held: activations kept for backward plus the gradients.
        public var activationBytes: Int {
            4 * (keep.count + droppedInput.count + droppedInputGradient.count + hidden.count + hiddenGradient.count)
        }

        /// Bytes of the gradients of A and B.
        public var gradientBytes: Int { 4 * (gradientA.count + gradientB.count) }
    }

    /// Buffers for steps of `rows` inputs.
    public func makeStepBuffers(rows: Int) -> StepBuffers {
        let dropped = configuration.dropout > 0 ? rows * inFeatures : 0
        return StepBuffers(
            rows: rows,
            keep: [Float](repeating: 1, count: dropped),
            droppedInput: [Float](repeating: 0, count: dropped),
            droppedInputGradient: [Float](repeating: 0, count: dropped),
            hidden: [Float](repeating: 0, count: rows * rank),
            hiddenGradient: [Float](repeating: 0, count: rows * rank),
            gradientA: [Float](repeating: 0, count: a.count),
            gradientB: [Float](repeating: 0, count: b.count)
        )
    }

    /// The forward pass on raw buffers: `output = x Wᵀ + scaling · dropout(x) Aᵀ Bᵀ`.
    ///
    /// - Parameters:
    ///   - input: x, `buffers.rows` x in.
    ///   - output: `buffers.rows` x out.
    ///   - dropoutGenerator: draws the dropout mask when training with dropout; `nil` runs the
    ///     layer in evaluation mode (no dropout).
    public func forward(
        _ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>,
        buffers: inout StepBuffers, workspace: inout TrainingWorkspace,
        dropoutGenerator: inout SeededGenerator?
    ) {
        let rows = buffers.rows
        precondition(input.count == rows * inFeatures && output.count == rows * outFeatures, "batch shape mismatch")
        // With dropout configured, the buffers record the mask used, so backward follows forward;
        // in evaluation mode (no generator) the mask keeps everything.
        let useDropout = configuration.dropout > 0
        if useDropout {
            if var generator = dropoutGenerator {
                let p = configuration.dropout
                let kept = 1 / (1 - p)
                for index in 0..<input.count { buffers.keep[index] = generator.nextUnitFloat() < p ? 0 : kept }
                dropoutGenerator = generator
            } else {
                for index in 0..<input.count { buffers.keep[index] = 1 }
            }
            for index in 0..<input.count { buffers.droppedInput[index] = input[index] * buffers.keep[index] }
        }
        let available = workspace.threads
        var baseWork = MatrixMultiply.Work()
        defer { workspace.record(baseWork) }
        workspace.panels.withUnsafeMutableBufferPointer { panels in
            let x = MatrixMultiply.Operand(input, rows: rows, columns: inFeatures)
            // h = dropout(x) Aᵀ
            buffers.droppedInput.withUnsafeBufferPointer { dropped in
                let adapterInput = useDropout ? MatrixMultiply.Operand(dropped, rows: rows, columns: inFeatures) : x
                a.scalars.withUnsafeBufferPointer { aValues in
                    buffers.hidden.withUnsafeMutableBufferPointer { hidden in
                        MatrixMultiply.multiply(
                            adapterInput, MatrixMultiply.Operand(aValues, rows: rank, columns: inFeatures).transposed,
                            into: hidden, panels: panels, threads: TrainingWorkspace.threads(available, m: rows, n: rank, k: inFeatures))
                    }
                }
            }
            // output = x Wᵀ, the frozen weight decoded inside the product
            baseWork = base.multiply(
                x, transposed: true, into: output, panels: panels,
                threads: TrainingWorkspace.threads(available, m: rows, n: outFeatures, k: inFeatures))
            // output += scaling · h Bᵀ
            buffers.hidden.withUnsafeBufferPointer { hidden in
                b.scalars.withUnsafeBufferPointer { bValues in
                    MatrixMultiply.multiply(
                        MatrixMultiply.Operand(hidden, rows: rows, columns: rank),
                        MatrixMultiply.Operand(bValues, rows: outFeatures, columns: rank).transposed,
                        into: output, scale: scaling, accumulate: true, panels: panels,
                        threads: TrainingWorkspace.threads(available, m: rows, n: outFeatures, k: rank))
                }
            }
        }
    }

    /// The layer's output for `x` (any shape ending in `in`), in evaluation mode: no dropout.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        var generator: SeededGenerator? = nil
        return forward(x, dropoutGenerator: &generator).output
    }

    /// The forward pass on a tensor, returning the output and the buffers backward needs.
    public func forward(
        _ x: Tensor, dropoutGenerator: inout SeededGenerator?
    ) -> (output: Tensor, buffers: StepBuffers) {
        precondition(x.columns == inFeatures, "input has \(x.columns) features, the layer takes \(inFeatures)")
        var buffers = makeStepBuffers(rows: x.rows)
        var workspace = TrainingWorkspace()
        var output = [Float](repeating: 0, count: x.rows * outFeatures)
        x.scalars.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { output in
                forward(input, into: output, buffers: &buffers, workspace: &workspace, dropoutGenerator: &dropoutGenerator)
            }
        }
        return (Tensor(shape: Array(x.shape.dropLast()) + [outFeatures], scalars: output), buffers)
    }
}

extension LoRALinear: Sendable {}
extension LoRALinear.StepBuffers: Sendable {}
