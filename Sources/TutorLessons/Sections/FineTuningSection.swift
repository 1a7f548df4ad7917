import Foundation
import QLoRAEngine

/// The `finetune` section: the shipped tiny Llama, pretrained on Swift sources, adapted to the
/// lessons' prose by full fine-tuning, LoRA and QLoRA, or by adapters on different layers and
/// ranks, from the same start on the same batches (the engine's `LlamaFineTuningComparison`).
public struct FineTuningSection: LessonSection {
    /// The shortest wall-clock time between two reports of the curves so far.
    public var reportInterval: Duration

    public init(reportInterval: Duration = ReportSpacing.interactiveInterval) {
        self.reportInterval = reportInterval
    }

    public let name = "finetune"
    public let summary = "The tiny Llama adapted to the lessons' prose: full, LoRA, QLoRA-NF4, QLoRA-FP4; target modules and ranks."

    /// The ranks a block may give its adapters.
    static let ranks = [1, 2, 4, 8, 16]
    /// The ranks the `adapters` comparison always trains on every linear layer, besides the block's own.
    static let sweepRanks = [1, 4, 16]
    /// Steps the curves and the first and last losses average over.
    static let smoothingWindow = 5
    /// The prompt every model continues in the `samples` output.
    static let prompt = "The adapter "
    /// Tokens each model samples after the prompt.
    static let sampleLength = 24

    public var parameters: [ParameterSpec] {
        [
            ParameterSpec(
                name: "compare", summary: "`methods` (full, lora, qlora-nf4, qlora-fp4) or `adapters` (q_proj,v_proj against every linear layer at `rank`, and every linear layer at ranks 1, 4 and 16).",
                domain: .choices(Comparison.allCases.map(\.rawValue)), defaultValue: .word(Comparison.methods.rawValue)),
            ParameterSpec(
                name: "method", summary: "The method the `adapters` comparison trains.",
                domain: .choices([FineTuningMethod.lora, .qloraNF4, .qloraFP4].map(\.rawValue)), defaultValue: .word(FineTuningMethod.qloraNF4.rawValue)),
            ParameterSpec(
                name: "targets", summary: "The modules every adapter of the `methods` comparison sits on.",
                domain: .choices(["all-linear", "q_proj,v_proj"]), defaultValue: .word("all-linear")),
            ParameterSpec(
                name: "rank", summary: "The adapters' rank r (alpha is twice the rank, so the scaling stays 2).",
                domain: .numbers(Self.ranks.map(Double.init)), defaultValue: .number(8)),
            ParameterSpec(name: "steps", summary: "AdamW steps per run.", domain: .numbers([10, 20, 40, 80]), defaultValue: .number(20)),
            ParameterSpec(name: "seed", summary: "Seeds the adapters, the batches and the samples.", domain: .range(0...99, step: 1), defaultValue: .number(0)),
        ]
    }

    public func declaredResults(for parameters: ParameterValues) throws -> Set<ResultKey> {
        let variants = try runs(parameters).map(\.variant) + (try aliases(parameters).map(\.alias))
        return Set(variants.flatMap(ResultKey.perRun))
    }

    /// The runs a block makes, in order, each with the variant its results are named by.
    func runs(_ parameters: ParameterValues) throws -> [(variant: Variant, run: LlamaFineTuningComparison.Run)] {
        let rank = try parameters.integer("rank")
        func adapters(rank: Int, targets: [String]) throws -> LlamaLoRASettings {
            try LlamaLoRASettings(lora: .init(rank: rank, alpha: Float(2 * rank)), targetModules: targets)
        }
        switch try parameters.choice("compare", as: Comparison.self) {
        case .methods:
            let targets = try parameters.word("targets").split(separator: ",").map(String.init)
            return try FineTuningMethod.llamaStandard.map { method in
                (.method(method), .init(method: method, adapters: try adapters(rank: rank, targets: targets)))
            }
        case .adapters:
            let method = try parameters.choice("method", as: FineTuningMethod.self)
            return try [(.queryValue, .init(method: method, adapters: try adapters(rank: rank, targets: ["q_proj", "v_proj"])))]
                + Self.sweep(including: rank).map { sweepRank in
                    (.rank(sweepRank), .init(method: method, adapters: try adapters(rank: sweepRank, targets: ["all-linear"])))
                }
        }
    }

    /// The ranks the `adapters` comparison trains on every linear layer: the sweep and `rank`.
    static func sweep(including rank: Int) -> [Int] {
        Set(sweepRanks + [rank]).sorted()
    }

    /// Variants that name a run already made: in the `adapters` comparison, every linear layer at
    /// the block's rank is the sweep's run at that rank.
    func aliases(_ parameters: ParameterValues) throws -> [(alias: Variant, of: Variant)] {
        switch try parameters.choice("compare", as: Comparison.self) {
        case .methods: []
        case .adapters: [(.allLinear, .rank(try parameters.integer("rank")))]
        }
    }

    /// Runs the comparison, handing `progress` the curves so far at most once per `reportInterval`;
    /// checks `isCancelled` after every step and throws `CancellationError` once it is true.
    public func run(
        _ parameters: ParameterValues, request: SectionRequest<Self>, progress: (SectionProgress) -> Void, isCancelled: () -> Bool
    ) throws -> SectionRun<Self> {
        let runs = try runs(parameters)
        let variants = runs.map(\.variant)
        var settings = LlamaFineTuningComparison.Settings()
        settings.runs = runs.map(\.run)
        settings.steps = try parameters.integer("steps")
        settings.seed = UInt64(clamping: try parameters.integer("seed"))
        settings.batchSize = 4
        settings.sequenceLength = 32
        settings.evaluationWindows = 16
        settings.fullLearningRate = 1e-3
        settings.adapterLearningRate = 3e-3
        settings.threads = ProcessInfo.processInfo.activeProcessorCount
        if request.wants(.samples) {
            settings.sampling = .init(prompt: Array(Self.prompt.utf8).map(Int.init), count: Self.sampleLength, seed: settings.seed)
        }
        let texts = LlamaFineTuningComparison.Texts(
            training: try ShippedModels.corpus(.prose), heldOut: try ShippedModels.corpus(.proseHeldOut),
            pretrainingHeldOut: try ShippedModels.corpus(.codeHeldOut))

        var curvesSoFar: [[Float]] = []
        var spacing = ReportSpacing(interval: reportInterval)
        let comparison = try LlamaFineTuningComparison(
            base: try ShippedModels.model(), texts: texts, settings: settings,
            onStep: { index, loss in
                while curvesSoFar.count <= index { curvesSoFar.append([]) }
                curvesSoFar[index].append(loss)
                if request.wants(.curves), spacing.isDue() {
                    progress(SectionProgress(outputs: [OutputKey.curves.rawValue: [.series(Self.curves(zip(variants, curvesSoFar).map { ($0, $1) }, runs: settings.runs))]]))
                }
            },
            isCancelled: isCancelled)

        var run = SectionRun<Self>()
        for (variant, result) in zip(variants, comparison.results) {
            run.results[.trainable(variant)] = Double(result.trainableParameters)
            run.results[.proseBefore(variant)] = result.heldOutBefore.loss
            run.results[.proseAfter(variant)] = result.heldOutAfter.loss
            run.results[.codeBefore(variant)] = result.pretrainingBefore.loss
            run.results[.codeAfter(variant)] = result.pretrainingAfter.loss
            run.results[.firstLoss(variant)] = TrainingSection.mean(result.losses.prefix(Self.smoothingWindow))
            run.results[.lastLoss(variant)] = TrainingSection.mean(result.losses.suffix(Self.smoothingWindow))
        }
        for (alias, variant) in try aliases(parameters) {
            for (aliasKey, key) in zip(ResultKey.perRun(alias), ResultKey.perRun(variant)) { run.results[aliasKey] = run.results[key] }
        }
        for key in request.outputs {
            run.outputs[key] = [Self.output(key, comparison: comparison, variants: variants)]
        }
        return run
    }
}
