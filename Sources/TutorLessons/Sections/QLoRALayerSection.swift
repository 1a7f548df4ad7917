import Foundation
import QLoRAEngine

/// The `qlora-layer` section: one linear layer with a frozen (quantized) base and a LoRA adapter,
/// its start, its scaling, its gradients, its real bytes, and what merging and re-quantizing do.
///
/// The engine's `LayerFineTuning` does the work: it builds the layer from a seeded N(0, 0.02)
/// weight, measures it at the start, takes the first training step's gradients, trains
/// `train_steps` steps with Adam towards a teacher whose weight differs from the base by a rank-4
/// change, and merges the trained adapter. The section maps its parameters there and its
/// measurements to results and outputs.
public struct QLoRALayerSection: LessonSection {
    public init() {}

    public let name = "qlora-layer"
    public let summary = "A QLoRA linear layer: frozen quantized base, LoRA A and B, scaling, gradients, bytes, merging."

    /// The ranks the `scaling` table lists.
    static let tableRanks = [4, 8, 16, 32, 64]

    public var parameters: [ParameterSpec] {
        let widths = ParameterDomain.numbers([64, 128, 256, 512, 1024])
        let powersOfTwo = { (upTo: Int) in ParameterDomain.numbers((0...upTo).map { pow(2, Double($0)) }) }
        return [
            ParameterSpec(name: "in", summary: "Input features of the layer.", domain: widths, defaultValue: .number(512)),
            ParameterSpec(name: "out", summary: "Output features of the layer.", domain: widths, defaultValue: .number(512)),
            ParameterSpec(name: "rank", summary: "LoRA's rank r.", domain: powersOfTwo(7), defaultValue: .number(8)),
            ParameterSpec(name: "alpha", summary: "LoRA's alpha; the adapter is scaled by alpha / r.", domain: powersOfTwo(8), defaultValue: .number(16)),
            ParameterSpec(
                name: "base", summary: "How the frozen weight is stored: nf4, fp4, int4, int8 or float32 (plain LoRA).",
                domain: .choices(FrozenBase.Format.allCases.map(\.rawValue)), defaultValue: .word("nf4")),
            ParameterSpec(
                name: "blocksize", summary: "Values per absmax block of a quantized base.",
                domain: .numbers(FourBitQuantized.supportedBlocksizes.map(Double.init)), defaultValue: .number(64)),
            .flag(name: "double_quant", summary: "Quantize an NF4/FP4 base's absmax values to 8 bits.", defaultValue: true),
            ParameterSpec(
                name: "init", summary: "How A starts: peft's kaiming-uniform, gaussian (std 1/r), or normal-0.01 (the notebook's randn * 0.01).",
                domain: .choices(LoRALinear.Configuration.Initialization.allCases.map(\.rawValue)),
                defaultValue: .word("kaiming-uniform")),
            ParameterSpec(name: "seed", summary: "Seed of the weight, the adapter and the data.", domain: .range(0...9999, step: 1), defaultValue: .number(7)),
            ParameterSpec(
                name: "train_steps", summary: "Adam steps (lr 0.01) towards the teacher before merging.",
                domain: .range(0...200, step: 1), defaultValue: .number(0)),
        ]
    }

    public func run(
        _ parameters: ParameterValues, request: SectionRequest<Self>, progress: (SectionProgress) -> Void, isCancelled: () -> Bool
    ) throws -> SectionRun<Self> {
        var settings = LayerFineTuning.Settings()
        settings.inFeatures = try parameters.integer("in")
        settings.outFeatures = try parameters.integer("out")
        settings.format = try parameters.choice("base", as: FrozenBase.Format.self)
        settings.blocksize = try parameters.integer("blocksize")
        settings.doubleQuantization = try parameters.flag("double_quant")
        settings.adapter = LoRALinear.Configuration(
            rank: try parameters.integer("rank"), alpha: Float(try parameters.integer("alpha")),
            initialization: try parameters.choice("init", as: LoRALinear.Configuration.Initialization.self))
        settings.seed = UInt64(clamping: try parameters.integer("seed"))
        settings.trainSteps = try parameters.integer("train_steps")
        let tuning = try LayerFineTuning(settings, isCancelled: isCancelled)

        // Bytes: the layer as stored, and the notebook's count beside the notebook's real storage.
        let base = tuning.initial.base
        let baseBuffers = base.storedBuffers
        let notebookCodes = try MinMax4BitQuantized(quantizing: tuning.weight)
        let trainable = tuning.firstGradients.a.count + tuning.firstGradients.b.count
        let frozen = tuning.weight.count
        let alpha = Double(settings.adapter.alpha)

        var run = SectionRun<Self>()
        run.results = [
            .baseTrainable: Double(tuning.baseValuesChangedByAStep),
            .baseBitsPerParameter: 8 * Double(baseBuffers.filter { !$0.isCodebook }.reduce(0) { $0 + $1.bytes }) / Double(frozen),
            .baseBytes: Double(base.storedBytes),
            .packedBaseBytes: Double(baseBuffers.first { $0.name == "weight" }?.bytes ?? base.storedBytes),
            .initialOutputDifference: tuning.initialOutputDifference,
            .aMaxAbs: Double(Self.largestMagnitude(tuning.initial.a)),
            .aStandardDeviation: tuning.initial.a.standardDeviation,
            .aBound: 1 / Double(settings.inFeatures).squareRoot(),
            .notebookAStandardDeviation: 0.01,
            .bMaxAbs: Double(Self.largestMagnitude(tuning.initial.b)),
            .scaling: Double(tuning.initial.scaling),
            .gradientNormA: Self.norm(tuning.firstGradients.a),
            .gradientNormB: Self.norm(tuning.firstGradients.b),
            .trainable: Double(trainable),
            .frozen: Double(frozen),
            .trainablePercent: 100 * Double(trainable) / Double(trainable + frozen),
            .adapterBytes: Double(tuning.trained.storedBytes - base.storedBytes),
            .totalBytes: Double(tuning.trained.storedBytes),
            .notebookCountedBaseBytes: Double(frozen) / 2,
            .notebookStoredBaseBytes: Double(notebookCodes.storedBuffers.first?.bytes ?? 0),
            .lossBefore: tuning.lossBefore,
            .lossAfter: tuning.lossAfter,
            .mergedOutputDifference: tuning.mergedOutputDifference,
            .requantizedOutputDifference: tuning.requantizedOutputDifference,
            .updateRMS: tuning.updateRMS,
            .requantizationRMS: tuning.merged.requantizationError.rootMeanSquaredError,
        ]
        for rank in Self.tableRanks {
            run.results[.scalingAtRank(rank)] = alpha / Double(rank)
            run.results[.rsLoRAScalingAtRank(rank)] = alpha / Double(rank).squareRoot()
            run.results[.notebookScalingAtRank(rank)] = 1 / Double(rank)
        }
        let outputs = QLoRALayerOutputs(tuning: tuning, results: run.results)
        for key in request.outputs { run.outputs[key] = outputs.build(key) }
        return run
    }
}

extension QLoRALayerSection {
    /// The largest |value|.
    static func largestMagnitude(_ tensor: Tensor) -> Float {
        tensor.scalars.reduce(0) { max($0, abs($1)) }
    }

    /// The Frobenius norm.
    static func norm(_ tensor: Tensor) -> Double {
        tensor.scalars.reduce(0.0) { $0 + Double($1 * $1) }.squareRoot()
    }
}
