extension MemoryEstimate {
    /// A fine-tuning run to estimate: the model, the method, the adapters and one step's batch.
    public struct Configuration: Equatable {
        /// The architecture fine-tuned.
        public var model: ModelArchitecture
        /// Full fine-tuning (fp32 or mixed precision), LoRA or QLoRA.
        public var method: Method
        /// LoRA's rank r (ignored by full fine-tuning). peft's default is 8.
        public var rank: Int
        /// LoRA's alpha; the adapter output is scaled by alpha / r. It changes no memory, only the scaling.
        public var alpha: Double
        /// The decoder linear layers that get adapters (ignored by full fine-tuning).
        public var targets: [LinearModule]
        /// Sequences per step.
        public var batch: Int
        /// Tokens per sequence.
        public var sequenceLength: Int
        /// Whether each decoder block's activations are recomputed in the backward pass instead of kept.
        public var gradientCheckpointing: Bool
        /// The optimizer, which sets the bytes of state kept per trainable value.
        public var optimizer: Optimizer
        /// How attention is computed; transformers' default is SDPA.
        public var attention: Attention
        /// How the base is prepared for adapters; nil is the method's own (lora for LoRA, qlora for QLoRA).
        /// Full fine-tuning ignores it.
        public var recipe: Recipe?

        /// Creates a configuration; the defaults are peft's LoRA defaults (r = 8, alpha = 8, q_proj and
        /// v_proj for Llama-style models), one sequence of 512 tokens, no checkpointing, Adam, SDPA, and
        /// each method's own recipe.
        public init(
            model: ModelArchitecture, method: Method, rank: Int = 8, alpha: Double = 8,
            targets: [LinearModule] = [.qProj, .vProj], batch: Int = 1, sequenceLength: Int = 512,
            gradientCheckpointing: Bool = false, optimizer: Optimizer = .adam, attention: Attention = .sdpa,
            recipe: Recipe? = nil
        ) {
            self.model = model
            self.method = method
            self.rank = rank
            self.alpha = alpha
            self.targets = targets
            self.batch = batch
            self.sequenceLength = sequenceLength
            self.gradientCheckpointing = gradientCheckpointing
            self.optimizer = optimizer
            self.attention = attention
            self.recipe = recipe
        }

        /// The largest rank accepted.
        public static let rankLimit = 65_536
        /// The longest sequence accepted, 2^20 tokens.
        public static let sequenceLengthLimit = 1 << 20
        /// The most tokens per step (batch x sequence length) accepted, 2^24.
        public static let tokensPerStepLimit = 1 << 24
        /// The most activation bytes a configuration may reach, 2^60, checked before counting so that no
        /// count overflows 64 bits (eager attention's scores grow with the square of the sequence).
        public static let activationBytesLimit = 1 << 60

        /// Checks every setting a person can get wrong.
        ///
        /// - Throws: `InputError` whose source is the setting's name (`rank`, `alpha`, `targets`, `batch`,
        ///   `seq`, `blocksize`) and whose message says what range is expected.
        public func validate() throws(InputError) {
            guard (1...Self.rankLimit).contains(rank) else {
                throw InputError("rank", "expected a whole number from 1 to \(Self.rankLimit), got \(rank)")
            }
            guard alpha.isFinite, alpha > 0 else {
                throw InputError("alpha", "expected a positive number, got \(alpha)")
            }
            guard !targets.isEmpty else {
                throw InputError("targets", "expected at least one module")
            }
            guard batch >= 1 else {
                throw InputError("batch", "expected a positive whole number, got \(batch)")
            }
            guard (1...Self.sequenceLengthLimit).contains(sequenceLength) else {
                throw InputError(
                    "seq", "expected a whole number from 1 to \(Self.sequenceLengthLimit), got \(sequenceLength)")
            }
            let (tokens, overflow) = batch.multipliedReportingOverflow(by: sequenceLength)
            guard !overflow, tokens <= Self.tokensPerStepLimit else {
                throw InputError(
                    "batch", "expected batch x sequence length of at most \(Self.tokensPerStepLimit) tokens")
            }
            try method.fourBitBase?.validate()
            guard activationBytesBound < Double(Self.activationBytesLimit) else {
                throw InputError(
                    "seq", "expected fewer tokens: \(model.name) would keep more than 2^60 bytes of activations")
            }
        }

        /// A generous bound on any activation count, in floating point so it cannot overflow: every block
        /// keeping eager attention's scores three times over and 64 bytes per token for each width.
        private var activationBytesBound: Double {
            let tokens = Double(batch) * Double(sequenceLength)
            let scores = 12 * Double(model.heads) * Double(sequenceLength)
            let widths = Double(model.hidden + model.intermediate + model.queryWidth + rank) + Double(model.vocab)
            return tokens * (Double(model.layers + 1) * (scores + 64 * widths))
        }

        /// The LoRA scaling alpha / r applied to the adapter's output.
        public var scaling: Double { alpha / Double(rank) }
    }
}

extension MemoryEstimate.Configuration: Sendable {}
