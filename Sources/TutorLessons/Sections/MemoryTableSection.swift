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
            ParameterSpec(
                name: "checkpointing", summary: "Gradient checkpointing: keep each block's input and recompute the rest.",
                domain: .choices(["true", "false"]), defaultValue: .word("false")),
            ParameterSpec(
                name: "optimizer", summary: "adam (m and v in fp32), adam-8bit or sgd.",
                domain: .choices(MemoryEstimate.Optimizer.allCases.map(\.rawValue)), defaultValue: .word("adam")),
            ParameterSpec(
                name: "quant_type", summary: "QLoRA's 4-bit codebook.",
                domain: .choices(MemoryEstimate.FourBitBase.DataType.allCases.map(\.rawValue)), defaultValue: .word("nf4")),
            ParameterSpec(
                name: "blocksize", summary: "Values per absmax block of the 4-bit base.",
                domain: .numbers(MemoryEstimate.FourBitBase.blocksizes.map(Double.init)), defaultValue: .number(64)),
            ParameterSpec(
                name: "double_quant", summary: "Quantize the 4-bit base's absmax constants to 8 bits.",
                domain: .choices(["true", "false"]), defaultValue: .word("true")),
        ]
    }

    public var outputs: [(name: String, summary: String)] {
        [
            ("breakdown", "`method`'s memory, part by part, as a bar against GPU sizes."),
            ("compare", "full-mixed, lora and qlora with the same settings, part by part."),
            ("trainable", "LoRA's trainable parameters for ranks 8, 16, 64 on q,v / attention / all linear layers."),
            ("fits", "`method`'s total against 6 GB and the common GPU sizes: fits or not, and by how much."),
            ("notebook", "The tutorial notebook's table beside what its own formula adds up to."),
            ("notebook_comparison", "The notebook's totals beside ours for full, LoRA and QLoRA, with the reasons."),
        ]
    }

    public var results: [(name: String, summary: String)] {
        var results: [(name: String, summary: String)] = [
            ("total_gb", "`method`'s total in GB (10^9 bytes), activations included."),
            ("total_gib", "The same total in GiB (2^30 bytes), as PyTorch reports it."),
            ("total_before_activations_gb", "The total without activations."),
            ("bytes_per_param", "Bytes per model parameter before activations."),
            ("trainable_params", "Parameters the optimizer updates."),
            ("trainable_percent", "Their share of all parameters, as peft prints it."),
            ("all_params", "All parameters, adapters included, as peft counts them."),
            ("smallest_gpu_gb", "The smallest GPU size that holds the total, 0 if none does."),
        ]
        results += MemoryEstimate.Part.allCases.map { ("\($0.rawValue)_gb", "`method`'s \($0.title), in GB.") }
        results += Self.gpuSizesInGigabytes.map { ("fits_gpu_\($0)gb", "1 when the total fits \($0) GB, else 0.") }
        for method in ["full", "lora", "qlora"] {
            results += [
                ("\(method)_total_gb", "\(method)'s total with the same settings (full means full-mixed)."),
                ("\(method)_total_before_activations_gb", "\(method)'s total without activations."),
                ("\(method)_weights_gb", "\(method)'s weights."),
                ("\(method)_activations_gb", "\(method)'s activations."),
                ("notebook_table_\(method)_gb", "What the notebook's table states for \(method)."),
                ("notebook_formula_\(method)_gb", "What the notebook's own formula adds up to for \(method)."),
            ]
        }
        results += [
            ("notebook_weights_only_gb", "The notebook's 7e9 parameters in fp32: the weights alone."),
            ("notebook_trainable_params", "The trainable parameters the notebook's table states."),
        ]
        for set in Self.targetSets {
            for rank in Self.tableRanks {
                results += [
                    ("trainable_r\(rank)_\(set.key)", "Trainable parameters at rank \(rank) on \(set.targets)."),
                    ("trainable_percent_r\(rank)_\(set.key)", "Their share in percent."),
                ]
            }
        }
        return results
    }

    public func run(_ parameters: ParameterValues) throws -> SectionResult {
        let configuration = try Self.configuration(parameters, method: Self.method(parameters.word("method"), parameters))
        let estimate = try MemoryEstimate(configuration)
        let model = configuration.model
        var results: [String: Double] = [
            "total_gb": estimate.total.gigabytes,
            "total_gib": estimate.total.gibibytes,
            "total_before_activations_gb": estimate.totalBeforeActivations.gigabytes,
            "bytes_per_param": Double(estimate.totalBeforeActivations.bytes) / Double(model.parameterCount),
            "trainable_params": Double(estimate.parameters.trainable),
            "trainable_percent": estimate.parameters.percent,
            "all_params": Double(estimate.parameters.all),
            "smallest_gpu_gb": Double(estimate.gpuFit.smallestFittingCapacity ?? 0),
            "notebook_weights_only_gb": Double(4 * NotebookMemoryTable.parameterCount) / 1e9,
            "notebook_trainable_params": Double(NotebookMemoryTable.tableAdapterParameters),
        ]
        for part in MemoryEstimate.Part.allCases {
            results["\(part.rawValue)_gb"] = estimate[part].gigabytes
        }
        for size in Self.gpuSizesInGigabytes {
            results["fits_gpu_\(size)gb"] = estimate.total.bytes <= size * 1_000_000_000 ? 1 : 0
        }

        var compared: [(name: String, estimate: MemoryEstimate)] = []
        for (key, method) in [("full", "full-mixed"), ("lora", "lora"), ("qlora", "qlora")] {
            let other = try MemoryEstimate(Self.configuration(parameters, method: Self.method(method, parameters)))
            compared.append((key, other))
            results["\(key)_total_gb"] = other.total.gigabytes
            results["\(key)_total_before_activations_gb"] = other.totalBeforeActivations.gigabytes
            results["\(key)_weights_gb"] = other[.weights].gigabytes
            results["\(key)_activations_gb"] = other[.activations].gigabytes
        }
        for kind in NotebookMemoryTable.Kind.allCases {
            let row = NotebookMemoryTable(kind)
            results["notebook_table_\(kind.rawValue)_gb"] = Double(row.tableGigabytes)
            results["notebook_formula_\(kind.rawValue)_gb"] = Double(row.formulaBytes) / 1e9
        }

        var trainableRows: [[String]] = []
        for set in Self.targetSets {
            let targets = try LinearModule.targets(set.targets)
            for rank in Self.tableRanks {
                let count = TrainableParameters.lora(model, rank: rank, targets: targets)
                results["trainable_r\(rank)_\(set.key)"] = Double(count.trainable)
                results["trainable_percent_r\(rank)_\(set.key)"] = count.percent
                trainableRows.append([
                    set.targets, "\(rank)", SectionFormat.count(count.trainable), SectionFormat.percent(count.percent, digits: 3),
                ])
            }
        }

        return SectionResult(
            outputs: [
                "breakdown": [Self.memoryBar(estimate, title: Self.title(of: configuration))],
                "compare": [Self.compareTable(compared)],
                "trainable": [.table(OutputTable(
                    title: "\(model.name): LoRA's trainable parameters, r x (in + out) per adapted layer",
                    headers: ["target_modules", "r", "trainable", "of all"],
                    alignments: [.left, .right, .right, .right], rows: trainableRows))],
                "fits": [Self.fitsTable(estimate, title: Self.title(of: configuration))],
                "notebook": [Self.notebookTable()],
                "notebook_comparison": [Self.notebookComparisonTable(compared)]
                    + compared.map { .text("\($0.name): " + NotebookMemoryTable.reason(comparedWith: $0.estimate)) },
            ],
            results: results)
    }
}

extension MemoryTableSection {
    /// The method a name stands for, with the 4-bit storage the block sets for QLoRA.
    static func method(_ name: String, _ parameters: ParameterValues) -> MemoryEstimate.Method {
        switch name {
        case "full-fp32": return .fullFP32
        case "full-mixed": return .fullMixedPrecision
        case "lora": return .lora
        default:
            return .qlora(MemoryEstimate.FourBitBase(
                dataType: MemoryEstimate.FourBitBase.DataType(rawValue: parameters.word("quant_type")) ?? .nf4,
                blocksize: parameters.integer("blocksize"),
                doubleQuantization: parameters.word("double_quant") == "true"))
        }
    }

    /// The engine's configuration for the block's settings and `method`.
    static func configuration(_ parameters: ParameterValues, method: MemoryEstimate.Method) throws -> MemoryEstimate.Configuration {
        let rank = parameters.integer("rank")
        return MemoryEstimate.Configuration(
            model: try ModelArchitecture.named(parameters.word("model")),
            method: method, rank: rank, alpha: Double(rank),
            targets: try LinearModule.targets(parameters.word("targets")),
            batch: parameters.integer("batch"), sequenceLength: parameters.integer("seq_len"),
            gradientCheckpointing: parameters.word("checkpointing") == "true",
            optimizer: try MemoryEstimate.Optimizer(named: parameters.word("optimizer")))
    }

    /// A one-line description of a run: model, method and batch.
    static func title(of configuration: MemoryEstimate.Configuration) -> String {
        var title = "\(configuration.model.name), \(configuration.method.name)"
        if configuration.method != .fullFP32, configuration.method != .fullMixedPrecision {
            title += ", r=\(configuration.rank)"
        }
        title += ", \(configuration.batch) x \(configuration.sequenceLength) tokens"
        if configuration.gradientCheckpointing { title += ", checkpointing" }
        return title
    }

    /// The parts that are not empty, as the memory bar draws them.
    static func memoryBar(_ estimate: MemoryEstimate, title: String) -> Output {
        let parts = MemoryEstimate.Part.allCases.filter { estimate[$0].bytes > 0 }
            .map { MemoryBreakdown.Part(name: $0.title, bytes: Double(estimate[$0].bytes)) }
        return .memory(MemoryBreakdown(
            title: title, parts: parts, capacities: gpuSizesInGigabytes.map { Double($0) * 1e9 }))
    }

    /// Parts as rows, methods as columns.
    static func compareTable(_ compared: [(name: String, estimate: MemoryEstimate)]) -> Output {
        var rows = MemoryEstimate.Part.allCases.map { part in
            [part.title] + compared.map { SectionFormat.gigabytes(Double($0.estimate[part].bytes)) }
        }
        rows.append(["total"] + compared.map { SectionFormat.gigabytes(Double($0.estimate.total.bytes)) })
        rows.append(["trainable"] + compared.map { SectionFormat.count($0.estimate.parameters.trainable) })
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
                (margin >= 0 ? "" : "-") + SectionFormat.gigabytes(abs(margin)),
            ]
        }
        return .table(OutputTable(
            title: "\(title): \(SectionFormat.gigabytes(Double(estimate.total.bytes)))",
            headers: ["GPU", "", "left over"], alignments: [.left, .left, .right], rows: rows))
    }

    /// The notebook's stated totals beside its own formula's, term by term.
    static func notebookTable() -> Output {
        var rows: [[String]] = []
        for kind in NotebookMemoryTable.Kind.allCases {
            let row = NotebookMemoryTable(kind)
            for (index, term) in row.formulaTerms.enumerated() {
                rows.append([index == 0 ? kind.rawValue : "", index == 0 ? "\(row.tableGigabytes) GB" : "", term.name,
                             SectionFormat.gigabytes(Double(term.bytes))])
            }
            rows.append(["", "", "formula total", SectionFormat.gigabytes(Double(row.formulaBytes))])
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
                SectionFormat.gigabytes(Double(row.formulaBytes)),
                SectionFormat.gigabytes(Double(entry.estimate.totalBeforeActivations.bytes)),
                SectionFormat.gigabytes(Double(entry.estimate.total.bytes)),
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
