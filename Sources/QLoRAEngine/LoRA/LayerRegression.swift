/// One LoRA layer fitted to fixed targets by mean squared error, with Adam on A and B only.
///
/// This is the tutorial notebook's layer put to work, and the benchmark workloads T1 and T2: each
/// `step()` decodes the frozen base inside the forward product, runs forward, the loss, backward for A and B, and one
/// Adam update, reusing buffers made once in `init`, so a step allocates nothing.
public struct LayerRegression {
    /// The layer being trained.
    public private(set) var layer: LoRALinear
    /// The inputs x, any shape ending in `in`.
    public let input: Tensor
    /// The targets y, shaped as the layer's output.
    public let target: Tensor
    /// The optimizer, updating A in slot 0 and B in slot 1.
    public private(set) var optimizer: Adam
    private var buffers: LoRALinear.StepBuffers
    /// The products' scratch, with its counts of what the steps so far dequantized and split.
    public private(set) var workspace: TrainingWorkspace
    private var output: [Float]
    private var outputGradient: [Float]

    /// Prepares training `layer` to map `input` to `target`.
    ///
    /// - Parameter threads: threads the large products may use (the result is the same on any number).
    public init(layer: LoRALinear, input: Tensor, target: Tensor, optimizer: Adam = Adam(), threads: Int = 1) throws {
        guard input.columns == layer.inFeatures else {
            throw InputError("input", "expected \(layer.inFeatures) features, got \(input.columns)")
        }
        guard target.count == input.rows * layer.outFeatures else {
            throw InputError("target", "expected \(input.rows) x \(layer.outFeatures) values, got shape \(target.shape)")
        }
        self.layer = layer
        self.input = input
        self.target = target
        self.optimizer = optimizer
        buffers = layer.makeStepBuffers(rows: input.rows)
        workspace = TrainingWorkspace(threads: threads)
        output = [Float](repeating: 0, count: target.count)
        outputGradient = [Float](repeating: 0, count: target.count)
    }

    /// The benchmark workload: W ~ N(0, 0.02²) of `features` x `features` stored in `format`
    /// (blocksize 64), a fresh adapter of rank `rank` and `alpha`, x and y ~ N(0, 1) with x shaped
    /// `inputShape`, Adam with learning rate 1e-3. As `peer_train.py` sets them, T1 is 512 features,
    /// rank 8, alpha 16, x [2, 10, 512]; T2 is 4096 features, rank 16, alpha 16, x [4, 128, 4096].
    public static func workload(
        features: Int, rank: Int, alpha: Float, inputShape: [Int], format: FrozenBase.Format = .nf4,
        seed: UInt64 = 0, threads: Int = 1
    ) throws -> LayerRegression {
        guard features >= 1, inputShape.last == features, inputShape.allSatisfy({ $0 >= 1 }) else {
            throw InputError("inputShape", "expected positive sizes ending in \(features), got \(inputShape)")
        }
        var generator = SeededGenerator(seed: seed)
        let weight = Tensor.normal(rows: features, columns: features, standardDeviation: 0.02, using: &generator)
        let base = try FrozenBase(quantizing: weight, format: format)
        let layer = try LoRALinear(base: base, configuration: .init(rank: rank, alpha: alpha), generator: &generator)
        let rows = inputShape.dropLast().reduce(1, *)
        var x = Tensor.normal(rows: rows, columns: features, using: &generator)
        x.shape = inputShape
        let y = Tensor.normal(rows: rows, columns: features, using: &generator)
        return try LayerRegression(layer: layer, input: x, target: y, threads: threads)
    }

    /// The gradients of A and B at the layer as it is now, without updating it.
    public func gradients() -> LoRALinear.Gradients {
        var noDropout: SeededGenerator? = nil
        let (output, buffers) = layer.forward(input, dropoutGenerator: &noDropout)
        var outputGradient = [Float](repeating: 0, count: output.count)
        output.scalars.withUnsafeBufferPointer { output in
            target.scalars.withUnsafeBufferPointer { target in
                outputGradient.withUnsafeMutableBufferPointer { gradient in
                    _ = Loss.meanSquaredError(prediction: output, target: target, gradient: gradient)
                }
            }
        }
        return layer.backward(input, outputGradient: Tensor(shape: output.shape, scalars: outputGradient), buffers: buffers)
    }

    /// One training step; returns the loss before the update.
    public mutating func step() -> Float {
        var noDropout: SeededGenerator? = nil
        input.scalars.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { output in
                layer.forward(x, into: output, buffers: &buffers, workspace: &workspace, dropoutGenerator: &noDropout)
            }
        }
        let loss = output.withUnsafeBufferPointer { output in
            target.scalars.withUnsafeBufferPointer { target in
                outputGradient.withUnsafeMutableBufferPointer { gradient in
                    Loss.meanSquaredError(prediction: output, target: target, gradient: gradient)
                }
            }
        }
        input.scalars.withUnsafeBufferPointer { x in
            outputGradient.withUnsafeBufferPointer { gradient in
                layer.backward(input: x, outputGradient: gradient, inputGradient: nil, buffers: &buffers, workspace: &workspace)
            }
        }
        layer.a.scalars.withUnsafeMutableBufferPointer { a in
            buffers.gradientA.withUnsafeBufferPointer { optimizer.update(a, gradient: $0, slot: 0) }
        }
        layer.b.scalars.withUnsafeMutableBufferPointer { b in
            buffers.gradientB.withUnsafeBufferPointer { optimizer.update(b, gradient: $0, slot: 1) }
        }
        return loss
    }
}

extension LayerRegression: Sendable {}
