/// Training steps of a Llama model: forward, loss, backward and one AdamW update, on buffers
/// planned once, so a step after the first allocates nothing.
///
/// With `.adapters` only every adapter's A and B move (LoRA, or QLoRA over a packed base); with
/// `.full` every tensor of the model does (its linears must be float32).
public struct LlamaTrainer {
    /// The model being trained.
    public private(set) var model: LlamaModel
    /// The buffer plan the steps run on.
    public let workspace: LlamaWorkspace
    /// The optimizer; tensors take slots in the order `trainedTensorNames` lists them.
    public private(set) var optimizer: Adam

    /// Prepares training `model` on batches of up to `batchSize` x `sequenceLength` tokens.
    ///
    /// - Parameter optimizer: AdamW with torch's defaults (lr 1e-3, betas 0.9 and 0.999, eps 1e-8,
    ///   weight decay 0.01) unless given.
    /// - Throws: `InputError` for a plan that cannot be made, `.none` training, `.adapters`
    ///   training of a model without adapters, or adapters with dropout.
    public init(
        model: LlamaModel, batchSize: Int, sequenceLength: Int, training: LlamaWorkspace.Training,
        optimizer: Adam = .adamW(), threads: Int = 1
    ) throws {
        guard training != .none else { throw InputError("training", "expected adapters or full, got none") }
        if training == .adapters, model.adapterParameterCount == 0 {
            throw InputError("training", "the model has no adapters to train; add some first")
        }
        if let dropout = model.adapterSettings?.lora.dropout, dropout > 0 {
            throw InputError("lora_dropout", "expected 0: adapters train here without dropout, got \(dropout)")
        }
        self.model = model
        self.optimizer = optimizer
        workspace = try LlamaWorkspace(
            for: model, batchSize: batchSize, sequenceLength: sequenceLength, training: training, threads: threads)
    }

    /// One step on `batch`; returns the loss before the update.
    ///
    /// - Throws: `InputError` when the batch does not fit the plan.
    public mutating func step(_ batch: LlamaBatch) throws -> Float {
        let loss = try model.lossAndGradients(batch, workspace: workspace)
        applyGradients()
        return loss
    }

    /// Moves every trained tensor against its gradient, one optimizer slot per tensor.
    private mutating func applyGradients() {
        var slot = 0
        func update(_ values: inout Tensor, _ gradient: UnsafeMutableBufferPointer<Float>?) {
            guard let gradient else { return }
            values.scalars.withUnsafeMutableBufferPointer { optimizer.update($0, gradient: UnsafeBufferPointer(gradient), slot: slot) }
            slot += 1
        }
        let w = workspace
        update(&model.embedding, w.embeddingGradient)
        for layer in model.layers.indices {
            let gradients = w.layerGradients[layer]
            for index in model.layers[layer].projections.indices {
                let linear = gradients.projections[index]
                if let weight = linear.weight {
                    model.layers[layer].projections[index].updateFloatWeight { values in
                        optimizer.update(values, gradient: UnsafeBufferPointer(weight), slot: slot)
                    }
                    slot += 1
                }
                if model.layers[layer].projections[index].adapter != nil {
                    update(&model.layers[layer].projections[index].adapter!.a, linear.a)
                    update(&model.layers[layer].projections[index].adapter!.b, linear.b)
                }
            }
            update(&model.layers[layer].inputNorm, gradients.inputNorm)
            update(&model.layers[layer].postAttentionNorm, gradients.postAttentionNorm)
        }
        update(&model.finalNorm, w.finalNormGradient)
        if model.head != nil { update(&model.head!, w.headGradient) }
    }
}

extension LlamaLinear {
    /// Runs `body` on a float32 base's values in place (nothing for a packed base).
    mutating func updateFloatWeight(_ body: (UnsafeMutableBufferPointer<Float>) -> Void) {
        guard case .float32(var weight) = base else { return }
        // The enum lets go of its copy first, so the values are not copied on write.
        base = .float32(Self.placeholder)
        weight.scalars.withUnsafeMutableBufferPointer { body($0) }
        base = .float32(weight)
    }

    private static let placeholder = Tensor(shape: [0], scalars: [])
}
