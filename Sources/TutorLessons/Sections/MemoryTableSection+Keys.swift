import QLoRAEngine

extension MemoryTableSection {
    /// What the `memory` section can show.
    public enum OutputKey: String, SectionOutputKey {
        case breakdown, compare, trainable, fits, notebook, activations
        case notebookComparison = "notebook_comparison"

        public var summary: String {
            switch self {
            case .breakdown: "`method`'s memory, part by part, as a bar against GPU sizes."
            case .compare: "full-mixed, lora and qlora with the same settings, part by part."
            case .trainable: "LoRA's trainable parameters for ranks 8, 16, 64 on q,v / attention / all linear layers."
            case .fits: "`method`'s total against 6 GB and the common GPU sizes: fits or not, and by how much."
            case .notebook: "The tutorial notebook's table beside what its own formula adds up to."
            case .notebookComparison: "The notebook's totals beside ours for full, LoRA and QLoRA, with the reasons."
            case .activations: "The setting the activations are counted in (attention, recipe, dtypes, checkpointing), and their terms."
            }
        }
    }

    /// The numbers the `memory` section takes from the engine's `MemoryEstimate`, and the
    /// notebook's figures it shows beside them as givens.
    public enum ResultKey: SectionResultKey {
        case totalGB, totalGiB, totalBeforeActivationsGB, bytesPerParameter, trainableParameters, trainablePercent
        case allParameters, smallestGPU
        case activationsLayers, activationsLogits, activationsOutside, activationsRecomputed, activationsWithoutCheckpointing
        case activationsWith(MemoryEstimate.Attention)
        case part(MemoryEstimate.Part)
        case fitsGPU(gigabytes: Int)
        /// Full fine-tuning (mixed precision), LoRA or QLoRA with the block's settings.
        case methodTotal(NotebookMemoryTable.Kind), methodTotalBeforeActivations(NotebookMemoryTable.Kind)
        case methodWeights(NotebookMemoryTable.Kind), methodActivations(NotebookMemoryTable.Kind)
        case notebookTable(NotebookMemoryTable.Kind), notebookFormula(NotebookMemoryTable.Kind)
        case notebookWeightsOnly, notebookTrainableParameters
        case trainableAt(rank: Int, targets: String), trainablePercentAt(rank: Int, targets: String)

        public static var allCases: [ResultKey] {
            let kinds = NotebookMemoryTable.Kind.allCases
            let perMethod: [ResultKey] = kinds.flatMap { kind in
                [.methodTotal(kind), .methodTotalBeforeActivations(kind), .methodWeights(kind), .methodActivations(kind),
                 .notebookTable(kind), .notebookFormula(kind)]
            }
            let perTargets: [ResultKey] = MemoryTableSection.targetSets.flatMap { set in
                MemoryTableSection.tableRanks.flatMap { [ResultKey.trainableAt(rank: $0, targets: set.key), .trainablePercentAt(rank: $0, targets: set.key)] }
            }
            return [.totalGB, .totalGiB, .totalBeforeActivationsGB, .bytesPerParameter, .trainableParameters, .trainablePercent, .allParameters, .smallestGPU]
                + [.activationsLayers, .activationsLogits, .activationsOutside, .activationsRecomputed, .activationsWithoutCheckpointing]
                + MemoryEstimate.Attention.allCases.map(ResultKey.activationsWith)
                + MemoryEstimate.Part.allCases.map(ResultKey.part)
                + MemoryTableSection.gpuSizesInGigabytes.map { .fitsGPU(gigabytes: $0) }
                + perMethod + [.notebookWeightsOnly, .notebookTrainableParameters] + perTargets
        }

        public var provenance: ResultProvenance {
            switch self {
            case .notebookTable, .notebookFormula, .notebookWeightsOnly, .notebookTrainableParameters: .given
            default: .measured
            }
        }

        public var name: String { declaration.name }
        public var summary: String { declaration.summary }

        private var declaration: (name: String, summary: String) {
            switch self {
            case .totalGB: ("total_gb", "`method`'s total in GB (10^9 bytes), activations included.")
            case .totalGiB: ("total_gib", "The same total in GiB (2^30 bytes), as PyTorch reports it.")
            case .totalBeforeActivationsGB: ("total_before_activations_gb", "The total without activations.")
            case .bytesPerParameter: ("bytes_per_param", "Bytes per model parameter before activations.")
            case .trainableParameters: ("trainable_params", "Parameters the optimizer updates.")
            case .trainablePercent: ("trainable_percent", "Their share of all parameters, as peft prints it.")
            case .allParameters: ("all_params", "All parameters, adapters included, as peft counts them.")
            case .smallestGPU: ("smallest_gpu_gb", "The smallest GPU size that holds the total, 0 if none does.")
            case .activationsLayers: ("activations_layers_gb", "What the decoder blocks keep (with checkpointing, their inputs), adapters' low-rank outputs included.")
            case .activationsLogits: ("activations_logits_gb", "The float32 log-probabilities the loss keeps.")
            case .activationsOutside: ("activations_outside_gb", "The rest outside the blocks: final norm input, rotary tables, labels.")
            case .activationsWithoutCheckpointing: ("uncheckpointed_activations_gb", "`method`'s activations with the same settings and gradient checkpointing off.")
            case .activationsWith(let attention): ("\(attention.rawValue)_activations_gb", "`method`'s activations with the same settings and \(attention.rawValue) attention.")
            case .activationsRecomputed: ("activations_recomputed_gb", "With checkpointing, what recomputing one block needs beyond the head's freed tensors; else 0.")
            case .part(let part): ("\(part.rawValue)_gb", "`method`'s \(part.title), in GB.")
            case .fitsGPU(let size): ("fits_gpu_\(size)gb", "1 when the total fits \(size) GB, else 0.")
            case .methodTotal(let kind): ("\(kind.rawValue)_total_gb", "\(kind.rawValue)'s total with the same settings (full means full-mixed).")
            case .methodTotalBeforeActivations(let kind): ("\(kind.rawValue)_total_before_activations_gb", "\(kind.rawValue)'s total without activations.")
            case .methodWeights(let kind): ("\(kind.rawValue)_weights_gb", "\(kind.rawValue)'s weights.")
            case .methodActivations(let kind): ("\(kind.rawValue)_activations_gb", "\(kind.rawValue)'s activations.")
            case .notebookTable(let kind): ("notebook_table_\(kind.rawValue)_gb", "What the notebook's table states for \(kind.rawValue).")
            case .notebookFormula(let kind): ("notebook_formula_\(kind.rawValue)_gb", "What the notebook's own formula adds up to for \(kind.rawValue).")
            case .notebookWeightsOnly: ("notebook_weights_only_gb", "The notebook's 7e9 parameters in fp32: the weights alone.")
            case .notebookTrainableParameters: ("notebook_trainable_params", "The trainable parameters the notebook's table states.")
            case .trainableAt(let rank, let targets): ("trainable_r\(rank)_\(targets)", "Trainable parameters at rank \(rank) on `\(targets)`.")
            case .trainablePercentAt(let rank, let targets): ("trainable_percent_r\(rank)_\(targets)", "Their share in percent at rank \(rank) on `\(targets)`.")
            }
        }

    }
}
