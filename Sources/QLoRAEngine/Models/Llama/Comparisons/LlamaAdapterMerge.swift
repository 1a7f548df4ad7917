/// A QLoRA adapter trained over a 4-bit base and then merged two ways, every version of the model
/// scored on the same held-out texts: what peft's `merge_and_unload` keeps and what it loses.
///
/// The adapter trains as QLoRA trains one: fresh LoRA on every decoder linear of the quantized
/// base, AdamW on A and B only, batches drawn from the training text. It is then
///
/// - merged into the float base, `W + scaling · B A` in float32: the model a 16-bit merge ships.
///   Before merging, the float base with the adapter attached computes the same function, so the
///   loss moves only by float rounding;
/// - merged into the 4-bit base, as peft merges into a bitsandbytes layer: dequantize, add the
///   update, quantize again in the same type. The sum lands on the 4-bit grid again, so part of
///   what training learned is rounded away.
public struct LlamaAdapterMerge {
    /// The adapter, the base it trains over, and the training run.
    public struct Settings: Equatable, Sendable {
        /// Rank, alpha and A's start: peft's defaults with r 8, alpha 16.
        public var lora = LoRALinear.Configuration(rank: 8, alpha: 16)
        /// The 4-bit type of the base the adapter trains over and merges back into.
        public var format = FrozenBase.Format.nf4
        /// Values per absmax block of the base.
        public var blocksize = 64
        /// QLoRA's double quantization of the base's absmax values.
        public var doubleQuantization = true
        /// AdamW steps on the training text.
        public var steps = 4
        /// Windows per step, and their length in tokens.
        public var batchSize = 4
        public var sequenceLength = 64
        /// AdamW's learning rate.
        public var learningRate: Float = 2e-3
        /// Seeds the adapter's A; the training batches take the next seed, as `lm finetune` draws them.
        public var seed: UInt64 = 0
        /// Sequences scored per forward pass when evaluating.
        public var evaluationBatchSize = 8
        /// Threads the kernels use; the results do not depend on it.
        public var threads = 1

        public init() {}
    }

    /// One version of the model.
    public enum Version: CaseIterable, Sendable {
        /// The float base, no adapter.
        case floatBase
        /// The quantized base the adapter trains over, no adapter: where training starts.
        case quantizedBase
        /// The quantized base with the trained adapter attached: the model QLoRA trained.
        case quantizedWithAdapter
        /// The adapter merged into the quantized base and quantized again.
        case mergedQuantized
        /// The float base with the trained adapter attached, unmerged.
        case floatWithAdapter
        /// The adapter merged into the float base.
        case mergedFloat
    }

    /// The settings it ran with.
    public let settings: Settings
    /// Each training step's loss, before its update.
    public let trainingLosses: [Float]
    /// Each version's loss on each held-out text, in the order the texts were given.
    public let evaluations: [Version: [LlamaModel.Evaluation]]

    /// Trains the adapter on `training`, merges it both ways and scores every version on each of
    /// `heldOut`, checking `isCancelled` between steps and between evaluations.
    ///
    /// - Parameters:
    ///   - model: the float base.
    ///   - heldOut: texts never trained on, each cut into windows.
    /// - Throws: `InputError` for settings the model or the quantizer cannot take, or a training
    ///   text shorter than one window; `CancellationError` once `isCancelled` turns true.
    public init(
        model: LlamaModel, training: ByteCorpus, heldOut: [[[Int]]], settings: Settings = Settings(),
        isCancelled: () -> Bool = { false }
    ) throws {
        self.settings = settings
        if isCancelled() { throw CancellationError() }
        let quantizedBase = try model.quantized(
            settings.format, blocksize: settings.blocksize, doubleQuantization: settings.doubleQuantization)
        var start = quantizedBase
        try start.addAdapters(LlamaLoRASettings(lora: settings.lora), seed: settings.seed)
        var trainer = try LlamaTrainer(
            model: start, batchSize: settings.batchSize, sequenceLength: settings.sequenceLength, training: .adapters,
            optimizer: .adamW(learningRate: settings.learningRate), threads: settings.threads)
        trainingLosses = try trainer.train(on: training, steps: settings.steps, seed: settings.seed &+ 1, isCancelled: isCancelled)
        let trained = trainer.model

        var floatWithAdapter = model
        try floatWithAdapter.loadAdapters(trained.adapterTensors(), settings: LlamaLoRASettings(lora: settings.lora))
        let versions: [(Version, LlamaModel)] = [
            (.floatBase, model), (.quantizedBase, quantizedBase), (.quantizedWithAdapter, trained),
            (.mergedQuantized, try trained.merged()), (.floatWithAdapter, floatWithAdapter),
            (.mergedFloat, try floatWithAdapter.merged()),
        ]
        var evaluations: [Version: [LlamaModel.Evaluation]] = [:]
        for (version, candidate) in versions {
            evaluations[version] = try heldOut.map { sequences in
                if isCancelled() { throw CancellationError() }
                return try candidate.evaluate(sequences, batchSize: settings.evaluationBatchSize, threads: settings.threads)
            }
        }
        self.evaluations = evaluations
    }

    /// The loss of `version` on the held-out text at `index`.
    public func loss(_ version: Version, text index: Int) -> Double {
        evaluations[version]?[index].loss ?? .nan
    }
}

extension LlamaAdapterMerge: Sendable {}
