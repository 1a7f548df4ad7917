/// Full fine-tuning, LoRA and QLoRA adapting one pretrained Llama to a new domain of text, each
/// from the same start on the same batches: the comparison the QLoRA paper ran on LLaMA, run on a
/// model small enough to train in seconds.
///
/// Every run copies the base, stores it as its method says (float32, or NF4/FP4/int4 in blocks),
/// attaches fresh adapters (the same draws for every run of one rank and targets), and takes the
/// same steps on the same seeded sequence of windows of the new domain's text. Each is scored
/// before and after on held-out text of the new domain (what it learned) and of the domain the
/// base was pretrained on (what it forgot).
public struct LlamaFineTuningComparison {
    /// One way of adapting the base: a method, and the adapters it trains (nil for full fine-tuning).
    public struct Run: Equatable {
        /// How the base is stored and what trains.
        public var method: FineTuningMethod
        /// Rank, alpha and targets of the adapters; nil exactly when `method` is `.full`.
        public var adapters: LlamaLoRASettings?

        /// Full fine-tuning.
        public static let full = Run(method: .full, adapters: nil)

        /// `method` with `adapters`; full fine-tuning takes none.
        public init(method: FineTuningMethod, adapters: LlamaLoRASettings?) {
            self.method = method
            self.adapters = method == .full ? nil : adapters
        }
    }

    /// The texts a comparison reads, as bytes.
    public struct Texts {
        /// The new domain, trained on.
        public var training: ByteCorpus
        /// Held-out text of the new domain, never trained on.
        public var heldOut: ByteCorpus
        /// Held-out text of the domain the base was pretrained on: what fine-tuning may make it forget.
        public var pretrainingHeldOut: ByteCorpus

        public init(training: ByteCorpus, heldOut: ByteCorpus, pretrainingHeldOut: ByteCorpus) {
            self.training = training
            self.heldOut = heldOut
            self.pretrainingHeldOut = pretrainingHeldOut
        }
    }

    /// What to run.
    public struct Settings: Equatable {
        /// The runs, in the order they train.
        public var runs: [Run] = FineTuningMethod.llamaStandard.map {
            Run(method: $0, adapters: LlamaLoRASettings(lora: .init(rank: 8, alpha: 16)))
        }
        /// Optimizer steps per run.
        public var steps = 40
        /// Windows per batch.
        public var batchSize = 8
        /// Tokens per window.
        public var sequenceLength = 64
        /// AdamW's learning rate for full fine-tuning.
        public var fullLearningRate: Float = 1e-3
        /// AdamW's learning rate for the adapters of LoRA and QLoRA (adapters start at zero and
        /// need larger steps; the QLoRA paper uses one rate for both of those).
        public var adapterLearningRate: Float = 1e-2
        /// Blocksize of a 4-bit or integer base.
        public var blocksize = 64
        /// Whether NF4 and FP4 bases quantize their absmax again, as QLoRA does (integer bases never do).
        public var doubleQuantization = true
        /// Held-out windows each text is scored on, evenly spaced through it (all when fewer).
        public var evaluationWindows = 16
        /// Seeds the adapters and the batches.
        public var seed: UInt64 = 0
        /// The text sampled from the base and from each trained model; nil samples nothing.
        public var sampling: Sampling? = nil
        /// Threads the products use (the results are the same on any number).
        public var threads = 1

        /// The most steps a run may ask for: every step's loss is kept.
        public static let largestStepCount = 100_000

        public init() {}

        /// Throws `InputError` for settings that cannot be used.
        public func validate() throws {
            guard !runs.isEmpty else { throw InputError("runs", "expected at least one run") }
            for run in runs where run.method != .full && run.adapters == nil {
                throw InputError("runs", "\(run.method.rawValue) needs adapters to train")
            }
            guard (1...Self.largestStepCount).contains(steps) else {
                throw InputError("steps", "expected 1 to \(Self.largestStepCount), got \(steps)")
            }
            guard batchSize >= 1 else { throw InputError("batch", "expected a positive number of windows, got \(batchSize)") }
            guard sequenceLength >= 2 else { throw InputError("context", "expected at least 2 tokens, got \(sequenceLength)") }
            guard evaluationWindows >= 1 else {
                throw InputError("evaluation windows", "expected at least 1, got \(evaluationWindows)")
            }
            for rate in [fullLearningRate, adapterLearningRate] where !(rate.isFinite && rate > 0) {
                throw InputError("learning rate", "expected a positive number, got \(rate)")
            }
        }
    }

    /// How text is sampled to show what a model writes.
    public struct Sampling: Equatable {
        /// The prompt, as token ids (bytes).
        public var prompt: [Int]
        /// Tokens to generate.
        public var count: Int
        /// Softmax temperature; 0 takes the likeliest token.
        public var temperature: Float
        /// Seeds the draws: every model samples with the same seed.
        public var seed: UInt64

        public init(prompt: [Int], count: Int, temperature: Float = 0.8, seed: UInt64 = 0) {
            self.prompt = prompt
            self.count = count
            self.temperature = temperature
            self.seed = seed
        }
    }

    /// What one run did.
    public struct RunResult: Equatable {
        /// The run.
        public var run: Run
        /// The mini-batch loss of every step, before its update.
        public var losses: [Float]
        /// Values the optimizer moved, counted off the gradient buffers the training plan holds.
        public var trainableParameters: Int
        /// The new domain's held-out loss at the start (the base as this run stores it) and after training.
        public var heldOutBefore, heldOutAfter: LlamaModel.Evaluation
        /// The pretraining domain's held-out loss at the start and after training.
        public var pretrainingBefore, pretrainingAfter: LlamaModel.Evaluation
        /// The text the trained model samples, when sampling was asked for.
        public var sample: [Int]?
        /// Wall-clock time of each step: for display, never deterministic.
        public var stepDurations: [Duration]

        /// The median step time.
        public var medianStepDuration: Duration {
            let sorted = stepDurations.sorted()
            return sorted.isEmpty ? .zero : sorted[sorted.count / 2]
        }
    }

    /// The settings it ran with.
    public let settings: Settings
    /// Values of the base model itself, as transformers counts them.
    public let baseParameterCount: Int
    /// The float base's held-out loss on the new domain and on its pretraining domain.
    public let baseHeldOut, basePretrainingHeldOut: LlamaModel.Evaluation
    /// The text the float base samples, when sampling was asked for.
    public let baseSample: [Int]?
    /// One result per run, in the order asked.
    public let results: [RunResult]

    /// Trains every run of `settings` from `base` on `texts`. `onStep` sees each step as it
    /// happens: the run's index, and the step's loss. `isCancelled` is asked after every step and
    /// every evaluation, and abandons the comparison once it is true.
    ///
    /// - Throws: `InputError` for settings or texts that cannot be used (a text shorter than one
    ///   window, a base that is not float32); `CancellationError` when abandoned.
    public init(
        base: LlamaModel, texts: Texts, settings: Settings,
        onStep: (_ run: Int, _ loss: Float) -> Void = { _, _ in }, isCancelled: () -> Bool = { false }
    ) throws {
        try settings.validate()
        if let (layer, projection) = base.firstQuantizedLinear {
            throw InputError(LlamaModel.weightName(projection, layer: layer), "expected a float32 base to compare methods from")
        }
        guard settings.sequenceLength <= base.configuration.maxPositionEmbeddings else {
            throw InputError("context", "expected at most max_position_embeddings = \(base.configuration.maxPositionEmbeddings) tokens, got \(settings.sequenceLength)")
        }
        for text in [texts.training, texts.heldOut, texts.pretrainingHeldOut] { try text.checkWindow(length: settings.sequenceLength) }
        let heldOut = Self.evaluationWindows(texts.heldOut, settings)
        let pretrainingHeldOut = Self.evaluationWindows(texts.pretrainingHeldOut, settings)
        func evaluate(_ model: LlamaModel) throws -> (LlamaModel.Evaluation, LlamaModel.Evaluation) {
            let scores = (
                try model.evaluate(heldOut, batchSize: settings.batchSize, threads: settings.threads, source: texts.heldOut.source),
                try model.evaluate(
                    pretrainingHeldOut, batchSize: settings.batchSize, threads: settings.threads, source: texts.pretrainingHeldOut.source))
            if isCancelled() { throw CancellationError() }
            return scores
        }
        func sample(_ model: LlamaModel) throws -> [Int]? {
            try settings.sampling.map { try model.sample(prompt: $0.prompt, count: $0.count, temperature: $0.temperature, seed: $0.seed) }
        }

        // The start of each run, scored once per way of storing the base: fresh adapters (B = 0)
        // leave what a model computes unchanged.
        var starts: [FrozenBase.Format?: (LlamaModel, LlamaModel.Evaluation, LlamaModel.Evaluation)] = [:]
        let (baseHeldOut, basePretraining) = try evaluate(base)
        starts[FrozenBase.Format?.none] = (base, baseHeldOut, basePretraining)
        var results: [RunResult] = []
        for (index, run) in settings.runs.enumerated() {
            let format = run.method.baseFormat.flatMap { $0 == .float32 ? nil : $0 }
            if starts[format] == nil, let format {
                let stored = try base.quantized(
                    format, blocksize: settings.blocksize,
                    doubleQuantization: settings.doubleQuantization && (format == .nf4 || format == .fp4))
                let (heldOut, pretraining) = try evaluate(stored)
                starts[format] = (stored, heldOut, pretraining)
            }
            let (start, heldOutBefore, pretrainingBefore) = starts[format]!
            var model = start
            if let adapters = run.adapters { try model.addAdapters(adapters, seed: settings.seed) }
            var trainer = try LlamaTrainer(
                model: model, batchSize: settings.batchSize, sequenceLength: settings.sequenceLength,
                training: run.method == .full ? .full : .adapters,
                optimizer: .adamW(learningRate: run.method == .full ? settings.fullLearningRate : settings.adapterLearningRate),
                threads: settings.threads)
            // Every run draws the same windows in the same order.
            var batches = SeededGenerator(seed: settings.seed &+ 1)
            var losses: [Float] = []
            var durations: [Duration] = []
            let clock = ContinuousClock()
            for _ in 0..<settings.steps {
                let batch = try texts.training.randomBatch(
                    batchSize: settings.batchSize, length: settings.sequenceLength, for: base.configuration, using: &batches)
                let started = clock.now
                let loss = try trainer.step(batch)
                durations.append(clock.now - started)
                losses.append(loss)
                onStep(index, loss)
                if isCancelled() { throw CancellationError() }
            }
            let (heldOutAfter, pretrainingAfter) = try evaluate(trainer.model)
            results.append(RunResult(
                run: run, losses: losses, trainableParameters: trainer.workspace.trainedValueCount,
                heldOutBefore: heldOutBefore, heldOutAfter: heldOutAfter,
                pretrainingBefore: pretrainingBefore, pretrainingAfter: pretrainingAfter,
                sample: try sample(trainer.model), stepDurations: durations))
        }
        self.settings = settings
        baseParameterCount = base.parameterCount
        self.baseHeldOut = baseHeldOut
        basePretrainingHeldOut = basePretraining
        baseSample = try sample(base)
        self.results = results
    }

    /// `settings.evaluationWindows` windows of `corpus`, evenly spaced from its start: the same
    /// windows for every run.
    static func evaluationWindows(_ corpus: ByteCorpus, _ settings: Settings) -> [[Int]] {
        // Only full windows, so every batch has one length.
        let windows = corpus.windows(length: settings.sequenceLength).filter { $0.count == settings.sequenceLength }
        let count = min(settings.evaluationWindows, windows.count)
        return (0..<count).map { windows[$0 * windows.count / count] }
    }

    /// The first result of `method`, if one ran.
    public func result(for method: FineTuningMethod) -> RunResult? {
        results.first { $0.run.method == method }
    }
}

extension LlamaFineTuningComparison: Sendable {}
extension LlamaFineTuningComparison.Run: Sendable {}
extension LlamaFineTuningComparison.Texts: Sendable {}
extension LlamaFineTuningComparison.Settings: Sendable {}
extension LlamaFineTuningComparison.Sampling: Sendable {}
extension LlamaFineTuningComparison.RunResult: Sendable {}
