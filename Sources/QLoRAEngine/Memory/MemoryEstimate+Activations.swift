extension MemoryEstimate {
    /// What one training step keeps from the forward pass for the backward pass, in bytes.
    ///
    /// The decoder blocks follow Korthikanti et al. 2022 ("Reducing Activation Recomputation in Large
    /// Transformer Models", sec. 4): one block keeps `s*b*h*(34 + 5*a*s/h)` bytes in 16 bits, with `s`
    /// the sequence length, `b` the batch, `h` the hidden width and `a` the heads. The formula is for a
    /// GPT block (a 4h MLP, dropout masks, attention scores kept); for Llama-style blocks it is the
    /// standard estimate, not an exact count: SwiGLU's wider MLP keeps more, the absent dropout masks
    /// and a fused attention kernel (which keeps no `s x s` scores) keep less. Full fine-tuning in
    /// float32 keeps every tensor at twice the size.
    ///
    /// With gradient checkpointing (full recomputation) each block keeps only its input, `2*s*b*h`
    /// bytes, and the backward pass recomputes one block at a time, so one block's full activations
    /// are counted on top.
    ///
    /// LoRA and QLoRA keep the same decoder activations: the gradient must flow back through every
    /// frozen block to reach the adapters below it. (A frozen linear layer without an adapter need
    /// not keep its input, so for them the formula errs high.) On top, each adapter keeps its
    /// low-rank output `A x`, `r` 16-bit values per token, for B's gradient. The adapter's input is
    /// the tensor the block keeps anyway when dropout is off, peft's default.
    ///
    /// The logits (`s*b*vocab`) are counted once, in float32, because transformers upcasts them
    /// for the cross-entropy loss.
    public struct Activations: Equatable {
        /// Bytes the decoder blocks keep.
        public var decoderLayers: Int
        /// Bytes of the adapters' low-rank outputs.
        public var adapterOutputs: Int
        /// Bytes of the float32 logits.
        public var logits: Int

        /// The sum of the three terms.
        public var total: Int { decoderLayers + adapterOutputs + logits }

        /// The activations `configuration` keeps; its settings must already be valid.
        init(_ configuration: Configuration) {
            let model = configuration.model
            let tokens = configuration.batch * configuration.sequenceLength
            let precisionFactor = configuration.method == .fullFP32 ? 2 : 1

            let fullLayer = precisionFactor * Self.layerBytesWithoutRecomputation(
                model, batch: configuration.batch, sequenceLength: configuration.sequenceLength)
            let adapterLayer: Int
            switch configuration.method {
            case .fullFP32, .fullMixedPrecision: adapterLayer = 0
            case .lora, .qlora: adapterLayer = configuration.targets.count * tokens * configuration.rank * 2
            }

            if configuration.gradientCheckpointing {
                let layerInput = precisionFactor * 2 * tokens * model.hidden
                decoderLayers = model.layers * layerInput + fullLayer
                adapterOutputs = adapterLayer
            } else {
                decoderLayers = model.layers * fullLayer
                adapterOutputs = model.layers * adapterLayer
            }
            logits = 4 * tokens * model.vocab
        }

        /// Korthikanti et al.'s `s*b*h*(34 + 5*a*s/h)` bytes for one block without recomputation,
        /// written as `34*s*b*h + 5*a*s*s*b` so it stays in whole numbers.
        public static func layerBytesWithoutRecomputation(
            _ model: ModelArchitecture, batch: Int, sequenceLength: Int
        ) -> Int {
            let tokens = batch * sequenceLength
            return 34 * tokens * model.hidden + 5 * model.heads * sequenceLength * tokens
        }
    }
}

extension MemoryEstimate.Activations: Sendable {}
