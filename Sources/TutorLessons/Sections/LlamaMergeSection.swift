import QLoRAEngine

/// The `llama-merge` section: a QLoRA adapter trained live on the lessons' prose over the shipped
/// tiny Llama in NF4, then merged into the float base and into the NF4 base, every version scored
/// on held-out prose and held-out code.
///
/// The engine's `LlamaAdapterMerge` trains, merges and scores; the section maps its parameters
/// there and its losses to results and outputs.
public struct LlamaMergeSection: LessonSection {
    public init() {}

    public let name = "llama-merge"
    public let summary = "A QLoRA adapter trained on the tiny Llama, merged into float and into NF4: held-out losses before and after."

    /// The held-out texts every version is scored on, in order.
    static let heldOutTexts: [(corpus: ShippedModels.Corpus, key: String, label: String)] = [
        (.proseHeldOut, "prose", "held-out prose"), (.codeHeldOut, "code", "held-out code"),
    ]
    /// Windows of 64 tokens scored from the start of each held-out text.
    static let scoredWindows = 6
    /// The length of the windows trained and scored on.
    static let windowLength = 64

    public var parameters: [ParameterSpec] {
        LlamaAdapterParameters.specs(alpha: "lora_alpha; the adapter's output is scaled by alpha / r.", fewestSteps: 1, defaultSteps: 4)
    }

    public func run(
        _ parameters: ParameterValues, request: SectionRequest<Self>, progress: (SectionProgress) -> Void, isCancelled: () -> Bool
    ) throws -> SectionRun<Self> {
        var settings = LlamaAdapterMerge.Settings()
        let adapter = try LlamaAdapterParameters.values(parameters)
        settings.lora = LoRALinear.Configuration(rank: adapter.rank, alpha: adapter.alpha)
        settings.steps = adapter.steps
        settings.seed = adapter.seed
        settings.threads = LlamaThreads.count
        settings.sequenceLength = Self.windowLength
        try checkCancellation(isCancelled)
        let model = try ShippedModels.model()
        let heldOut = try Self.heldOutTexts.map {
            Array(try ShippedModels.corpus($0.corpus).windows(length: Self.windowLength).prefix(Self.scoredWindows))
        }
        let merge = try LlamaAdapterMerge(
            model: model, training: try ShippedModels.corpus(.prose), heldOut: heldOut, settings: settings, isCancelled: isCancelled)

        var run = SectionRun<Self>()
        for (index, text) in Self.heldOutTexts.enumerated() {
            for version in LlamaAdapterMerge.Version.allCases {
                run.results[.loss(version, text: text.key)] = merge.loss(version, text: index)
            }
        }
        func largestChange(_ before: LlamaAdapterMerge.Version, _ after: LlamaAdapterMerge.Version) -> Double {
            Self.heldOutTexts.indices.map { abs(merge.loss(after, text: $0) - merge.loss(before, text: $0)) }.max() ?? .nan
        }
        run.results[.floatMergeChange] = largestChange(.floatWithAdapter, .mergedFloat)
        run.results[.quantizedMergeChange] = largestChange(.quantizedWithAdapter, .mergedQuantized)
        // Of what training took off the prose loss, the share re-quantizing gave back.
        let gain = merge.loss(.quantizedBase, text: 0) - merge.loss(.quantizedWithAdapter, text: 0)
        let lost = merge.loss(.mergedQuantized, text: 0) - merge.loss(.quantizedWithAdapter, text: 0)
        run.results[.trainingGain] = gain
        run.results[.quantizedMergeLostPercent] = 100 * lost / gain
        run.results[.firstTrainingLoss] = Double(merge.trainingLosses.first ?? .nan)
        run.results[.lastTrainingLoss] = Double(merge.trainingLosses.last ?? .nan)
        let outputs = LlamaMergeOutputs(merge: merge, results: run.results)
        for key in request.outputs { run.outputs[key] = outputs.build(key) }
        return run
    }
}
