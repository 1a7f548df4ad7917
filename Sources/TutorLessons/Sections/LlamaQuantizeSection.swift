import QLoRAEngine

/// The `llama-quantize` section: the QLoRA paper's Table 2 on the course's own model. The shipped
/// tiny Llama, and the same model with every decoder linear stored in int4, FP4 and NF4, each
/// scored by its loss on a held-out text.
///
/// The engine's `QuantizedLlamaComparison` does the work; the section picks the text and the
/// windows, and maps the comparison's entries to results and outputs.
public struct LlamaQuantizeSection: LessonSection {
    public init() {}

    public let name = "llama-quantize"
    public let summary = "The shipped tiny Llama with its linears in int4, FP4 and NF4: held-out loss and perplexity beside float."

    /// The 4-bit types compared, in the order they are shown.
    static let comparedFormats: [FrozenBase.Format] = [.int4, .fp4, .nf4]

    /// The held-out texts a block can score on.
    enum HeldOutText: String, CaseIterable {
        case code, prose

        var corpus: ShippedModels.Corpus { self == .code ? .codeHeldOut : .proseHeldOut }
        var label: String { self == .code ? "held-out Swift code" : "held-out lesson prose" }
    }

    /// The most windows a block may score: enough for the whole held-out code (815 windows of 128).
    static let mostWindows = 1024

    public var parameters: [ParameterSpec] {
        [
            ParameterSpec(
                name: "blocksize", summary: "Values per absmax block of every quantized linear.",
                domain: .numbers(FourBitQuantized.supportedBlocksizes.map(Double.init)), defaultValue: .number(64)),
            .flag(name: "double_quant", summary: "Quantize NF4's and FP4's absmax values to 8 bits too (int4 keeps float32 scales).", defaultValue: false),
            ParameterSpec(
                name: "text", summary: "The held-out text scored: `code` (the pretraining domain) or `prose`.",
                domain: .choices(HeldOutText.allCases.map(\.rawValue)), defaultValue: .word("code")),
            ParameterSpec(
                name: "windows", summary: "Windows of 128 tokens scored, spread evenly over the text (all of them if it has fewer).",
                domain: .range(1...Double(Self.mostWindows), step: 1), defaultValue: .number(24)),
        ]
    }

    public func run(
        _ parameters: ParameterValues, request: SectionRequest<Self>, progress: (SectionProgress) -> Void, isCancelled: () -> Bool
    ) throws -> SectionRun<Self> {
        var settings = QuantizedLlamaComparison.Settings()
        settings.formats = Self.comparedFormats
        settings.blocksize = try parameters.integer("blocksize")
        settings.doubleQuantization = try parameters.flag("double_quant")
        settings.threads = LlamaThreads.count
        let text = try parameters.choice("text", as: HeldOutText.self)
        let windows = try parameters.integer("windows")
        try checkCancellation(isCancelled)
        let model = try ShippedModels.model()
        let sequences = Self.spread(try ShippedModels.corpus(text.corpus).windows(length: model.configuration.maxPositionEmbeddings), count: windows)
        let comparison = try QuantizedLlamaComparison(model: model, sequences: sequences, settings: settings, isCancelled: isCancelled)

        var run = SectionRun<Self>()
        let float = comparison.float
        run.results[.loss(.float32)] = float.evaluation.loss
        run.results[.perplexity(.float32)] = float.evaluation.perplexity
        run.results[.tokens] = Double(float.evaluation.tokens)
        for entry in comparison.quantized {
            run.results[.loss(entry.format)] = entry.evaluation.loss
            run.results[.perplexity(entry.format)] = entry.evaluation.perplexity
            run.results[.lossIncrease(entry.format)] = entry.evaluation.loss - float.evaluation.loss
            run.results[.bitsPerParameter(entry.format)] = entry.bitsPerParameter
            run.results[.codeEntropyBits(entry.format)] = entry.codeUsage?.entropyBits ?? .nan
            run.results[.weightMeanSquaredError(entry.format)] = entry.weightMeanSquaredError
        }
        let outputs = LlamaQuantizeOutputs(comparison: comparison, text: text.label, results: run.results)
        for key in request.outputs { run.outputs[key] = outputs.build(key) }
        return run
    }
}

extension LlamaQuantizeSection {
    /// `count` of `windows` spread evenly from the first on, so a few windows sample the whole
    /// text rather than its first file; all of them when there are no more than `count`.
    static func spread(_ windows: [[Int]], count: Int) -> [[Int]] {
        guard count < windows.count else { return windows }
        return (0..<count).map { windows[$0 * windows.count / count] }
    }
}
