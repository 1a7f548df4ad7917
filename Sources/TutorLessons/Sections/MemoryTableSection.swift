import Foundation
import QLoRAEngine

/// The `memory` section: what fine-tuning a real architecture takes, part by part, for full
/// fine-tuning, LoRA and QLoRA, against GPU sizes and beside the tutorial notebook's table.
public struct MemoryTableSection: LessonSection {
    public init() {}

    public let name = "memory"
    public let summary = "Memory of fine-tuning a real model: weights, constants, adapters, gradients, optimizer states, activations; GPU fit."

    /// The GPU sizes a block can be checked against: the notebook's 6 GB and the engine's common sizes.
    static let gpuSizesInGigabytes = [6] + GPUFit.capacitiesInGigabytes

    /// The adapter placements the `trainable` table counts, by result key.
    static let targetSets: [(key: String, targets: String)] = [
        ("qv", "q_proj,v_proj"), ("attention", "q_proj,k_proj,v_proj,o_proj"), ("all", LinearModule.allLinearName),
    ]
    /// The ranks the `trainable` table counts.
    static let tableRanks = [8, 16, 64]

    public var parameters: [ParameterSpec] {
        let powersOfTwo = { (upTo: Int) in ParameterDomain.numbers((0...upTo).map { pow(2, Double($0)) }) }
        return [
            ParameterSpec(
                name: "model", summary: "The architecture, from its `config.json`.",
                domain: .choices(ModelArchitecture.known.map(\.name)), defaultValue: .word("llama-2-7b")),
            ParameterSpec(
                name: "method", summary: "full-mixed (16-bit with fp32 master and Adam), full-fp32, lora (16-bit base) or qlora (4-bit base).",
                domain: .choices(["full-mixed", "full-fp32", "lora", "qlora"]), defaultValue: .word("qlora")),
            ParameterSpec(
                name: "rank", summary: "LoRA's rank r.", domain: powersOfTwo(10), defaultValue: .number(16)),
            ParameterSpec(
                name: "targets", summary: "The linear layers that get adapters, as peft's `target_modules`.",
                domain: .choices(Self.targetSets.map(\.targets)), defaultValue: .word(LinearModule.allLinearName)),
            ParameterSpec(
                name: "seq_len", summary: "Tokens per sequence.", domain: powersOfTwo(17), defaultValue: .number(512)),
            ParameterSpec(
                name: "batch", summary: "Sequences per step.", domain: powersOfTwo(8), defaultValue: .number(1)),
            .flag(name: "checkpointing", summary: "Gradient checkpointing: keep each block's input and recompute the rest.", defaultValue: false),
            ParameterSpec(
                name: "optimizer", summary: "adam (m and v in fp32), adam-8bit or sgd.",
                domain: .choices(MemoryEstimate.Optimizer.allCases.map(\.rawValue)), defaultValue: .word("adam")),
            ParameterSpec(
                name: "quant_type", summary: "QLoRA's 4-bit codebook.",
                domain: .choices(MemoryEstimate.FourBitBase.DataType.allCases.map(\.rawValue)), defaultValue: .word("nf4")),
            ParameterSpec(
                name: "blocksize", summary: "Values per absmax block of the 4-bit base.",
                domain: .numbers(MemoryEstimate.FourBitBase.blocksizes.map(Double.init)), defaultValue: .number(64)),
            .flag(name: "double_quant", summary: "Quantize the 4-bit base's absmax constants to 8 bits.", defaultValue: true),
        ] + Self.activationSettingParameters
    }

    /// The parameters that pick the setting activations are counted in: attention and recipe.
    static let activationSettingParameters = [
        ParameterSpec(
            name: "attention", summary: "transformers' `attn_implementation`: sdpa (its default) or eager.",
            domain: .choices(MemoryEstimate.Attention.allCases.map(\.rawValue)), defaultValue: .word("sdpa")),
        ParameterSpec(
            name: "recipe",
            summary: "How the base is prepared: `method` (lora's own for lora, qlora's `prepare_model_for_kbit_training` for qlora), lora or qlora.",
            domain: .choices(["method"] + MemoryEstimate.Recipe.allCases.map(\.rawValue)), defaultValue: .word("method")),
    ]

    public func run(
        _ parameters: ParameterValues, request: SectionRequest<Self>, progress: (SectionProgress) -> Void, isCancelled: () -> Bool
    ) throws -> SectionRun<Self> {
        let configuration = try Self.configuration(parameters, method: try Self.method(try parameters.word("method"), parameters))
        let estimate = try MemoryEstimate(configuration)
        let model = configuration.model
        var run = SectionRun<Self>()
        run.results = [
            .totalGB: estimate.total.gigabytes,
            .totalGiB: estimate.total.gibibytes,
            .totalBeforeActivationsGB: estimate.totalBeforeActivations.gigabytes,
            .bytesPerParameter: Double(estimate.totalBeforeActivations.bytes) / Double(model.parameterCount),
            .trainableParameters: Double(estimate.parameters.trainable),
            .trainablePercent: estimate.parameters.percent,
            .allParameters: Double(estimate.parameters.all),
            .smallestGPU: Double(estimate.gpuFit.smallestFittingCapacity ?? 0),
            .notebookWeightsOnly: Double(4 * NotebookMemoryTable.parameterCount) / 1e9,
            .notebookTrainableParameters: Double(NotebookMemoryTable.tableAdapterParameters),
            .activationsLayers: Double(estimate.activations.decoderLayers + estimate.activations.adapterOutputs) / 1e9,
            .activationsLogits: Double(estimate.activations.logits) / 1e9,
            .activationsOutside: Double(estimate.activations.outsideLayers) / 1e9,
            .activationsRecomputed: Double(estimate.activations.recomputedLayer) / 1e9,
        ]
        for part in MemoryEstimate.Part.allCases {
            run.results[.part(part)] = estimate[part].gigabytes
        }
        for size in Self.gpuSizesInGigabytes {
            run.results[.fitsGPU(gigabytes: size)] = estimate.total.bytes <= size * 1_000_000_000 ? 1 : 0
        }

        // The same step in other settings, only when a check asks: each is one more walk of the forward pass.
        if request.wants(any: [.activationsWithoutCheckpointing]) {
            var uncheckpointed = configuration
            uncheckpointed.gradientCheckpointing = false
            run.results[.activationsWithoutCheckpointing] = try MemoryEstimate(uncheckpointed)[.activations].gigabytes
        }
        for attention in MemoryEstimate.Attention.allCases where request.wants(any: [.activationsWith(attention)]) {
            var other = configuration
            other.attention = attention
            run.results[.activationsWith(attention)] = try MemoryEstimate(other)[.activations].gigabytes
        }

        var compared: [(name: String, estimate: MemoryEstimate)] = []
        for (kind, method) in [(NotebookMemoryTable.Kind.full, "full-mixed"), (.lora, "lora"), (.qlora, "qlora")] {
            try checkCancellation(isCancelled)
            let other = try MemoryEstimate(Self.configuration(parameters, method: try Self.method(method, parameters)))
            compared.append((kind.rawValue, other))
            run.results[.methodTotal(kind)] = other.total.gigabytes
            run.results[.methodTotalBeforeActivations(kind)] = other.totalBeforeActivations.gigabytes
            run.results[.methodWeights(kind)] = other[.weights].gigabytes
            run.results[.methodActivations(kind)] = other[.activations].gigabytes
            let row = NotebookMemoryTable(kind)
            run.results[.notebookTable(kind)] = Double(row.tableGigabytes)
            run.results[.notebookFormula(kind)] = Double(row.formulaBytes) / 1e9
        }

        var trainableRows: [[String]] = []
        for set in Self.targetSets {
            let targets = try LinearModule.targets(set.targets)
            for rank in Self.tableRanks {
                let count = TrainableParameters.lora(model, rank: rank, targets: targets)
                run.results[.trainableAt(rank: rank, targets: set.key)] = Double(count.trainable)
                run.results[.trainablePercentAt(rank: rank, targets: set.key)] = count.percent
                trainableRows.append([
                    set.targets, "\(rank)", NumberFormat.count(count.trainable), NumberFormat.percent(count.percent, digits: 3),
                ])
            }
        }

        for key in request.outputs {
            switch key {
            case .breakdown: run.outputs[key] = [Self.memoryBar(estimate, title: Self.title(of: configuration))]
            case .compare: run.outputs[key] = [Self.compareTable(compared)]
            case .trainable:
                run.outputs[key] = [.table(OutputTable(
                    title: "\(model.name): LoRA's trainable parameters, r x (in + out) per adapted layer",
                    headers: ["target_modules", "r", "trainable", "of all"],
                    alignments: [.left, .right, .right, .right], rows: trainableRows))]
            case .fits: run.outputs[key] = [Self.fitsTable(estimate, title: Self.title(of: configuration))]
            case .notebook: run.outputs[key] = [Self.notebookTable()]
            case .activations: run.outputs[key] = Self.activationsTable(estimate, title: Self.title(of: configuration))
            case .notebookComparison:
                run.outputs[key] = [Self.notebookComparisonTable(compared)]
                    + compared.map { .text("\($0.name): " + NotebookMemoryTable.reason(comparedWith: $0.estimate)) }
            }
        }
        return run
    }
}

extension MemoryTableSection {
    /// The method a name stands for, with the 4-bit storage the block sets for QLoRA.
    static func method(_ name: String, _ parameters: ParameterValues) throws -> MemoryEstimate.Method {
        switch name {
        case "full-fp32": return .fullFP32
        case "full-mixed": return .fullMixedPrecision
        case "lora": return .lora
        default:
            return .qlora(MemoryEstimate.FourBitBase(
                dataType: try parameters.choice("quant_type", as: MemoryEstimate.FourBitBase.DataType.self),
                blocksize: try parameters.integer("blocksize"),
                doubleQuantization: try parameters.flag("double_quant")))
        }
    }

    /// The engine's configuration for the block's settings and `method`.
    static func configuration(_ parameters: ParameterValues, method: MemoryEstimate.Method) throws -> MemoryEstimate.Configuration {
        let rank = try parameters.integer("rank")
        return MemoryEstimate.Configuration(
            model: try ModelArchitecture.named(try parameters.word("model")),
            method: method, rank: rank, alpha: Double(rank),
            targets: try LinearModule.targets(try parameters.word("targets")),
            batch: try parameters.integer("batch"), sequenceLength: try parameters.integer("seq_len"),
            gradientCheckpointing: try parameters.flag("checkpointing"),
            optimizer: try parameters.choice("optimizer", as: MemoryEstimate.Optimizer.self),
            attention: try parameters.choice("attention", as: MemoryEstimate.Attention.self),
            recipe: try parameters.word("recipe") == "method" ? nil : try parameters.choice("recipe", as: MemoryEstimate.Recipe.self))
    }

    /// A one-line description of a run: model, method and batch.
    static func title(of configuration: MemoryEstimate.Configuration) -> String {
        var title = "\(configuration.model.name), \(configuration.method.name)"
        if configuration.method != .fullFP32, configuration.method != .fullMixedPrecision {
            title += ", r=\(configuration.rank)"
        }
        title += ", \(configuration.batch) x \(configuration.sequenceLength) tokens"
        if configuration.gradientCheckpointing { title += ", checkpointing" }
        if configuration.attention != .sdpa { title += ", \(configuration.attention.rawValue) attention" }
        return title
    }

    /// The parts that are not empty, as the memory bar draws them.
    static func memoryBar(_ estimate: MemoryEstimate, title: String) -> Output {
        let parts = MemoryEstimate.Part.allCases.filter { estimate[$0].bytes > 0 }
            .map { MemoryBreakdown.Part(name: $0.title, bytes: Double(estimate[$0].bytes)) }
        return .memory(MemoryBreakdown(
            title: title, parts: parts, capacities: gpuSizesInGigabytes.map { Double($0) * 1e9 }))
    }

    /// The setting the activations are counted in, and their terms.
    static func activationsTable(_ estimate: MemoryEstimate, title: String) -> [Output] {
        let activations = estimate.activations
        let layers = estimate.configuration.model.layers
        let bytes = { (value: Int) in NumberFormat.bytes(Double(value)) }
        var rows = [
            ["decoder blocks (\(layers))", bytes(activations.decoderLayers)],
            ["  adapters' low-rank outputs A x", bytes(activations.adapterOutputs)],
            ["float32 log-probabilities of the loss", bytes(activations.logits)],
            ["final norm, rotary tables, labels", bytes(activations.outsideLayers)],
        ]
        if activations.setting.gradientCheckpointing {
            rows.append(["one block recomputed in the backward pass", bytes(activations.recomputedLayer)])
        }
        rows.append(["total", bytes(activations.total)])
        return [
            .text("Counted as PyTorch keeps them for transformers' LlamaForCausalLM: \(activations.setting.summary)."),
            .table(OutputTable(title: title, headers: ["activations", ""], alignments: [.left, .right], rows: rows)),
        ]
    }

    /// Parts as rows, methods as columns.
    static func compareTable(_ compared: [(name: String, estimate: MemoryEstimate)]) -> Output {
        var rows = MemoryEstimate.Part.allCases.map { part in
            [part.title] + compared.map { NumberFormat.gigabytes(Double($0.estimate[part].bytes)) }
        }
        rows.append(["total"] + compared.map { NumberFormat.gigabytes(Double($0.estimate.total.bytes)) })
        rows.append(["trainable"] + compared.map { NumberFormat.count($0.estimate.parameters.trainable) })
        let title = compared.first.map { "\($0.estimate.configuration.model.name), same batch and adapters" } ?? ""
        return .table(OutputTable(
            title: title, headers: ["part"] + compared.map { $0.estimate.configuration.method.name },
            alignments: [.left] + compared.map { _ in .right }, rows: rows))
    }

    /// Each GPU size: whether the total fits, and what is left or missing.
    static func fitsTable(_ estimate: MemoryEstimate, title: String) -> Output {
        let rows = gpuSizesInGigabytes.map { size in
            let margin = Double(size) * 1e9 - Double(estimate.total.bytes)
            return [
                "\(size) GB", margin >= 0 ? "fits" : "does not fit",
                (margin >= 0 ? "" : "-") + NumberFormat.gigabytes(abs(margin)),
            ]
        }
        return .table(OutputTable(
            title: "\(title): \(NumberFormat.gigabytes(Double(estimate.total.bytes)))",
            headers: ["GPU", "", "left over"], alignments: [.left, .left, .right], rows: rows))
    }

    /// The notebook's stated totals beside its own formula's, term by term.
    static func notebookTable() -> Output {
        var rows: [[String]] = []
        for kind in NotebookMemoryTable.Kind.allCases {
            let row = NotebookMemoryTable(kind)
            for (index, term) in row.formulaTerms.enumerated() {
                rows.append([index == 0 ? kind.rawValue : "", index == 0 ? "\(row.tableGigabytes) GB" : "", term.name,
                             NumberFormat.gigabytes(Double(term.bytes))])
            }
            rows.append(["", "", "formula total", NumberFormat.gigabytes(Double(row.formulaBytes))])
        }
        return .table(OutputTable(
            title: "The tutorial notebook's 7B table against its own formula",
            headers: ["method", "table says", "formula term", "formula gives"],
            alignments: [.left, .right, .left, .right], rows: rows))
    }

    /// The notebook's totals beside ours, with and without activations.
    static func notebookComparisonTable(_ compared: [(name: String, estimate: MemoryEstimate)]) -> Output {
        let rows = compared.map { entry in
            let row = NotebookMemoryTable(comparingWith: entry.estimate.configuration.method)
            return [
                entry.estimate.configuration.method.name, "\(row.tableGigabytes) GB",
                NumberFormat.gigabytes(Double(row.formulaBytes)),
                NumberFormat.gigabytes(Double(entry.estimate.totalBeforeActivations.bytes)),
                NumberFormat.gigabytes(Double(entry.estimate.total.bytes)),
            ]
        }
        let settings = compared.first.map { entry in
            let configuration = entry.estimate.configuration
            return "\(configuration.model.name), \(configuration.batch) x \(configuration.sequenceLength) tokens"
                + (configuration.gradientCheckpointing ? ", checkpointing" : "")
        } ?? ""
        return .table(OutputTable(
            title: "Notebook against engine: \(settings)",
            headers: ["method", "notebook", "its formula", "ours at rest", "ours training"],
            alignments: [.left, .right, .right, .right, .right], rows: rows))
    }
}
