/// The comparison the tutorial notebook only asserts: full fine-tuning, LoRA and QLoRA adapting the same
/// pretrained network to the same task, from the same start, on the same batches.
///
/// A network is fitted to the toy's source task; each method then adapts a copy of it to the target
/// task for the same number of steps, and is scored on held-out target data.
public struct FineTuningComparison {
    /// What to run.
    public struct Settings: Equatable {
        /// The pair of tasks.
        public var task: ToyTask.Kind = .lowRankShift
        /// Adaptation steps per method.
        public var steps: Int = 200
        /// Steps fitting the network to the source task first.
        public var pretrainingSteps: Int = 300
        /// The methods, in the order they run.
        public var methods: [FineTuningMethod] = FineTuningMethod.standard
        /// Seeds the data, the network, the adapters, the batches and the dropout.
        public var seed: UInt64 = 0
        /// Examples per step.
        public var batchSize: Int = 32
        /// The adapters' settings for the LoRA and QLoRA methods.
        public var adapter = LoRALinear.Configuration(rank: 4, alpha: 8)
        /// Adam's learning rate, the same for every method.
        public var learningRate: Float = 3e-3

        /// The most steps a run may ask for: every step's loss is kept.
        public static let largestStepCount = 1_000_000

        /// The defaults.
        public init() {}

        /// Throws `InputError` for non-positive step counts, an empty method list, or a bad adapter.
        public func validate() throws {
            guard steps >= 1 else { throw InputError("--steps", "expected a positive integer, got \(steps)") }
            guard steps <= Self.largestStepCount else {
                throw InputError("--steps", "expected at most \(Self.largestStepCount) steps, got \(steps)")
            }
            guard (0...Self.largestStepCount).contains(pretrainingSteps) else {
                throw InputError("--pretraining-steps", "expected 0 to \(Self.largestStepCount), got \(pretrainingSteps)")
            }
            guard !methods.isEmpty else { throw InputError("--methods", "expected at least one method") }
            guard batchSize >= 1 else { throw InputError("--batch-size", "expected a positive integer, got \(batchSize)") }
            try adapter.validate()
        }
    }

    /// One method's run.
    public struct MethodResult: Equatable {
        /// The method.
        public var method: FineTuningMethod
        /// The mini-batch loss of every step.
        public var losses: [Float]
        /// Loss and accuracy on held-out target data after the last step.
        public var final: Trainer.Evaluation
        /// Values that trained.
        public var trainableParameters: Int
        /// Weights of packed bases one forward pass dequantized (0 when nothing is packed).
        public var dequantizedValuesPerForward: Int
        /// The bytes the run held, by what they were for.
        public var memory: Trainer.Memory
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
    /// The network's widths, input to classes.
    public let widths: [Int]
    /// The share of held-out inputs whose label differs between source and target task.
    public let labelsChanged: Double
    /// The pretrained network on the source task's data.
    public let pretrainedOnSource: Trainer.Evaluation
    /// The pretrained network on held-out target data, before any adaptation.
    public let pretrainedOnTarget: Trainer.Evaluation
    /// One result per method, in the order asked.
    public let results: [MethodResult]

    /// Pretrains, then adapts with every method. `onStep` sees each adaptation step as it happens
    /// (with its method) and can stop the whole run by returning false, keeping the steps taken;
    /// so does task cancellation. `isCancelled` is asked after every step, pretraining included,
    /// and abandons the run once it is true.
    ///
    /// - Throws: `InputError` for settings that cannot be used; `CancellationError` when abandoned.
    public init(
        settings: Settings, onStep: (FineTuningMethod, Trainer.StepReport) -> Bool = { _, _ in true },
        isCancelled: () -> Bool = { false }
    ) throws {
        try settings.validate()
        let task = ToyTask(kind: settings.task, seed: settings.seed)
        var generator = SeededGenerator(seed: settings.seed &+ 2)
        var pretraining = try Trainer(
            network: ToyNetwork(widths: task.studentWidths, generator: &generator), data: task.source,
            optimizer: Adam(learningRate: 1e-2), batchSize: settings.batchSize, seed: settings.seed &+ 3)
        var cancelled = false
        pretraining.run(steps: settings.pretrainingSteps) { _ in
            cancelled = isCancelled()
            return !cancelled
        }
        if cancelled { throw CancellationError() }
        let pretrained = pretraining.network

        var results: [MethodResult] = []
        var stopped = false
        for method in settings.methods where !stopped {
            // Every method gets the same adapter draws and the same batches.
            var adapterGenerator = SeededGenerator(seed: settings.seed &+ 4)
            let network = try pretrained.prepared(for: method, adapter: settings.adapter, generator: &adapterGenerator)
            var trainer = try Trainer(
                network: network, data: task.target, optimizer: Adam(learningRate: settings.learningRate),
                batchSize: settings.batchSize, seed: settings.seed &+ 5)
            let reports = trainer.run(steps: settings.steps) { report in
                stopped = !onStep(method, report)
                cancelled = isCancelled()
                return !stopped && !cancelled
            }
            if cancelled { throw CancellationError() }
            results.append(MethodResult(
                method: method, losses: reports.map(\.loss), final: trainer.evaluate(on: task.targetTest),
                trainableParameters: trainer.trainedValueCount, dequantizedValuesPerForward: trainer.dequantizedValuesPerForward,
                memory: trainer.memory,
                stepDurations: reports.map(\.duration)))
        }
        self.settings = settings
        widths = task.studentWidths
        labelsChanged = task.labelsChanged
        pretrainedOnSource = Trainer.evaluate(pretrained, on: task.source)
        pretrainedOnTarget = Trainer.evaluate(pretrained, on: task.targetTest)
        self.results = results
    }

    /// The result of `method`, if it ran.
    public func result(for method: FineTuningMethod) -> MethodResult? {
        results.first { $0.method == method }
    }
}

extension FineTuningComparison: Sendable {}
extension FineTuningComparison.Settings: Sendable {}
extension FineTuningComparison.MethodResult: Sendable {}
