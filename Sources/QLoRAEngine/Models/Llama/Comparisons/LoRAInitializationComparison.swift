/// Two ways of starting a LoRA adapter, trained side by side over one quantized base on the same
/// batches: peft's, and the tutorial notebook's.
///
/// - peft (`LoraConfig` defaults): A kaiming-uniform, bounded by 1/sqrt(in), so A x keeps one
///   scale in a narrow layer and a wide one; B zero; output scaled by `lora_alpha / r`.
/// - the notebook: A drawn as `randn * 0.01` whatever the layer's width; B zero; output scaled by
///   1 / r, which is `lora_alpha = 1`.
///
/// Both start with B zero, so on the first batch both compute exactly the base's loss. What
/// differs is how far the first updates move the model: with Adam every value of B moves by about
/// the learning rate per step, and the change that makes to the output is that step times the
/// scaling times the size of A x. The comparison measures how far each adapter brings the loss
/// below the base's on the same batches.
public struct LoRAInitializationComparison {
    /// One way of starting an adapter.
    public enum Recipe: String, CaseIterable, Sendable {
        case peft, notebook

        /// The adapter's configuration at `rank` (`alpha` applies to peft's recipe only).
        public func configuration(rank: Int, alpha: Float) -> LoRALinear.Configuration {
            switch self {
            case .peft: LoRALinear.Configuration(rank: rank, alpha: alpha, initialization: .kaimingUniform)
            case .notebook: LoRALinear.Configuration(rank: rank, alpha: 1, initialization: .fixedNormal)
            }
        }
    }

    /// The base, the adapters and the training run they share.
    public struct Settings: Equatable, Sendable {
        /// The adapters' rank.
        public var rank = 8
        /// peft's `lora_alpha`; the notebook's recipe has none (1 / r).
        public var alpha: Float = 16
        /// The base both adapters train over: QLoRA's NF4 in blocks of 64, double quantized.
        public var format = FrozenBase.Format.nf4
        public var blocksize = 64
        public var doubleQuantization = true
        /// AdamW steps.
        public var steps = 6
        /// Windows per step, and their length in tokens.
        public var batchSize = 4
        public var sequenceLength = 64
        /// AdamW's learning rate, the same for both.
        public var learningRate: Float = 2e-3
        /// Seeds A, from the same generator state for both recipes; the batches take the next seed.
        public var seed: UInt64 = 0
        /// Threads the kernels use; the results do not depend on it.
        public var threads = 1

        public init() {}
    }

    /// The settings it ran with.
    public let settings: Settings
    /// The base's loss on each step's batch, no adapter attached.
    public let baseLosses: [Float]
    /// Each recipe's loss on each step's batch, before that step's update.
    public let losses: [Recipe: [Float]]
    /// The standard deviation of each recipe's A at the start, over every adapted linear.
    public let initialAStandardDeviation: [Recipe: Double]

    /// Trains one adapter of each recipe on `training` and scores the base on the same batches,
    /// checking `isCancelled` before each step.
    ///
    /// - Parameter model: the float base; it is quantized as `settings` says.
    /// - Throws: `InputError` for settings the model or the quantizer cannot take, or a text
    ///   shorter than one window; `CancellationError` once `isCancelled` turns true.
    public init(
        model: LlamaModel, training: ByteCorpus, settings: Settings = Settings(), isCancelled: () -> Bool = { false }
    ) throws {
        self.settings = settings
        if isCancelled() { throw CancellationError() }
        let base = try model.quantized(settings.format, blocksize: settings.blocksize, doubleQuantization: settings.doubleQuantization)
        let workspace = try LlamaWorkspace(
            for: base, batchSize: settings.batchSize, sequenceLength: settings.sequenceLength, threads: settings.threads)
        var generator = SeededGenerator(seed: settings.seed &+ 1)
        var baseLosses: [Float] = []
        for _ in 0..<settings.steps {
            if isCancelled() { throw CancellationError() }
            let batch = try training.randomBatch(
                batchSize: settings.batchSize, length: settings.sequenceLength, for: model.configuration, using: &generator)
            baseLosses.append(try base.loss(batch, workspace: workspace))
        }
        self.baseLosses = baseLosses

        var losses: [Recipe: [Float]] = [:]
        var spreads: [Recipe: Double] = [:]
        for recipe in Recipe.allCases {
            var start = base
            try start.addAdapters(
                LlamaLoRASettings(lora: recipe.configuration(rank: settings.rank, alpha: settings.alpha)), seed: settings.seed)
            spreads[recipe] = Tensor.standardDeviation(of: start.layers.flatMap { $0.projections.compactMap { $0.adapter?.a.scalars } }.joined())
            var trainer = try LlamaTrainer(
                model: start, batchSize: settings.batchSize, sequenceLength: settings.sequenceLength, training: .adapters,
                optimizer: .adamW(learningRate: settings.learningRate), threads: settings.threads)
            losses[recipe] = try trainer.train(on: training, steps: settings.steps, seed: settings.seed &+ 1, isCancelled: isCancelled)
        }
        self.losses = losses
        initialAStandardDeviation = spreads
    }

    /// How far `recipe`'s loss sits below the base's on the same batches, averaged over the later
    /// half of the steps (the first step is always 0: B starts at zero).
    public func gainOverBase(_ recipe: Recipe) -> Double {
        guard let losses = losses[recipe], !losses.isEmpty else { return .nan }
        let later = (losses.count / 2)..<losses.count
        return later.reduce(0.0) { $0 + Double(baseLosses[$1] - losses[$1]) } / Double(later.count)
    }
}

extension LoRAInitializationComparison: Sendable {}
