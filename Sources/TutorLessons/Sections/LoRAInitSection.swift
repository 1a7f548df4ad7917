import QLoRAEngine

/// The `lora-init` section: peft's adapter start and scaling beside the tutorial notebook's,
/// trained side by side over the shipped tiny Llama in NF4 on the same batches of the lessons' prose.
///
/// The engine's `LoRAInitializationComparison` trains both and scores the base on the same
/// batches; the section maps its parameters there and its losses to results and outputs.
public struct LoRAInitSection: LessonSection {
    public init() {}

    public let name = "lora-init"
    public let summary = "peft's LoRA start (kaiming-uniform A, alpha / r) against the notebook's (randn * 0.01, 1 / r) on the tiny Llama."

    public var parameters: [ParameterSpec] {
        LlamaAdapterParameters.specs(
            alpha: "peft's lora_alpha (scaling alpha / r); the notebook's scaling is 1 / r.", fewestSteps: 2, defaultSteps: 6)
    }

    public func run(
        _ parameters: ParameterValues, request: SectionRequest<Self>, progress: (SectionProgress) -> Void, isCancelled: () -> Bool
    ) throws -> SectionRun<Self> {
        var settings = LoRAInitializationComparison.Settings()
        let adapter = try LlamaAdapterParameters.values(parameters)
        settings.rank = adapter.rank
        settings.alpha = adapter.alpha
        settings.steps = adapter.steps
        settings.seed = adapter.seed
        settings.threads = LlamaThreads.count
        try checkCancellation(isCancelled)
        let comparison = try LoRAInitializationComparison(
            model: try ShippedModels.model(), training: try ShippedModels.corpus(.prose), settings: settings, isCancelled: isCancelled)

        var run = SectionRun<Self>()
        run.results[.baseFirstLoss] = Double(comparison.baseLosses.first ?? .nan)
        for recipe in LoRAInitializationComparison.Recipe.allCases {
            let losses = comparison.losses[recipe] ?? []
            run.results[.firstLoss(recipe)] = Double(losses.first ?? .nan)
            run.results[.lastLoss(recipe)] = Double(losses.last ?? .nan)
            run.results[.gain(recipe)] = comparison.gainOverBase(recipe)
            run.results[.aStandardDeviation(recipe)] = comparison.initialAStandardDeviation[recipe] ?? .nan
        }
        run.results[.baseLastLoss] = Double(comparison.baseLosses.last ?? .nan)
        let outputs = LoRAInitOutputs(comparison: comparison, results: run.results)
        for key in request.outputs { run.outputs[key] = outputs.build(key) }
        return run
    }
}
