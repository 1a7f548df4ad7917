extension MemoryEstimate {
    /// The setting an activation count describes: attention, recipe, checkpointing, and the bytes per value
    /// they give the tensors autograd keeps.
    public struct ActivationSetting: Equatable {
        /// How attention is computed.
        public var attention: Attention
        /// How the base was prepared for adapters; nil for full fine-tuning, which has no adapters.
        public var recipe: Recipe?
        /// Whether each decoder block keeps only its input and is recomputed in the backward pass.
        public var gradientCheckpointing: Bool
        /// Whether every parameter trains (full fine-tuning), so every linear layer and norm keeps its input.
        public var trainsEveryParameter: Bool
        /// Bytes of one hidden-state value: 4 when the parameters around them are float32, else 2.
        public var hiddenStateBytes: Int
        /// Bytes per value of a base linear weight that autograd keeps a view of.
        ///
        /// A frozen 16-bit (or upcast float32) linear layer keeps its weight to pass the gradient to its
        /// input; the view is the weight itself, not new memory. A bitsandbytes 4-bit layer keeps its packed
        /// weight on the autograd context, outside the saved tensors, so 0.
        public var baseWeightViewBytes: Int

        /// Bytes of an adapter value, its input and its low-rank output: peft keeps adapters in float32 and
        /// casts each adapter's input to float32.
        public static let adapterBytes = 4
        /// Bytes of a log-probability: transformers upcasts the logits to float32 for the loss.
        public static let logitsBytes = 4

        /// The setting `configuration` trains in: its attention and checkpointing, and its recipe, by default
        /// the method's own (lora for LoRA, qlora for QLoRA).
        public init(_ configuration: Configuration) {
            attention = configuration.attention
            gradientCheckpointing = configuration.gradientCheckpointing
            switch configuration.method {
            case .fullFP32:
                (recipe, trainsEveryParameter, hiddenStateBytes, baseWeightViewBytes) = (nil, true, 4, 4)
            case .fullMixedPrecision:
                (recipe, trainsEveryParameter, hiddenStateBytes, baseWeightViewBytes) = (nil, true, 2, 2)
            case .lora:
                let recipe = configuration.recipe ?? .lora
                self.recipe = recipe
                trainsEveryParameter = false
                hiddenStateBytes = recipe.unquantizedParameterBytes
                baseWeightViewBytes = recipe.unquantizedParameterBytes
            case .qlora:
                let recipe = configuration.recipe ?? .qlora
                self.recipe = recipe
                trainsEveryParameter = false
                hiddenStateBytes = recipe.unquantizedParameterBytes
                baseWeightViewBytes = 0
            }
        }

        /// The hidden states' type: `float32` or `bfloat16`.
        public var hiddenStateType: String { hiddenStateBytes == 4 ? "float32" : "bfloat16" }

        /// The setting in words, such as `sdpa attention, qlora recipe (float32 hidden states, float32 adapters,
        /// float32 logits), no gradient checkpointing`.
        public var summary: String {
            var dtypes = ["\(hiddenStateType) hidden states"]
            if recipe != nil { dtypes.append("float32 adapters") }
            dtypes.append("float32 logits")
            let method = recipe.map { "\($0.rawValue) recipe" } ?? "full fine-tuning"
            return "\(attention.rawValue) attention, \(method) (\(dtypes.joined(separator: ", "))), "
                + (gradientCheckpointing ? "gradient checkpointing" : "no gradient checkpointing")
        }
    }
}

extension MemoryEstimate.ActivationSetting: Sendable {}
