extension QLoRALayerSection {
    /// What the `qlora-layer` section can show.
    public enum OutputKey: String, SectionOutputKey {
        case base, `init`, scaling, gradients, memory, merge

        public var summary: String {
            switch self {
            case .base: "The frozen base's stored buffers and its bits per weight."
            case .`init`: "A and B as they start, against the notebook's randn * 0.01, and the layer's first output."
            case .scaling: "alpha / r (peft), alpha / sqrt(r) (rsLoRA) and the notebook's 1 / r for common ranks."
            case .gradients: "The first step's gradients of W, A and B, and what trains."
            case .memory: "Every buffer the layer keeps, beside the notebook's count, as a table and a bar."
            case .merge: "After training: the loss, and the layer merged in float32 and re-quantized."
            }
        }
    }

    /// The numbers the `qlora-layer` section produces.
    public enum ResultKey: SectionResultKey {
        case baseTrainable, baseBitsPerParameter, baseBytes, packedBaseBytes, initialOutputDifference
        case aMaxAbs, aBound, aStandardDeviation, notebookAStandardDeviation, bMaxAbs, scaling
        case gradientNormA, gradientNormB, trainable, frozen, trainablePercent, adapterBytes, totalBytes
        case notebookCountedBaseBytes, notebookStoredBaseBytes, lossBefore, lossAfter
        case mergedOutputDifference, requantizedOutputDifference, updateRMS, requantizationRMS
        /// alpha / r, alpha / sqrt(r) and 1 / r at one of the `tableRanks`.
        case scalingAtRank(Int), rsLoRAScalingAtRank(Int), notebookScalingAtRank(Int)

        public static var allCases: [ResultKey] {
            [
                .baseTrainable, .baseBitsPerParameter, .baseBytes, .packedBaseBytes, .initialOutputDifference,
                .aMaxAbs, .aBound, .aStandardDeviation, .notebookAStandardDeviation, .bMaxAbs, .scaling,
                .gradientNormA, .gradientNormB, .trainable, .frozen, .trainablePercent, .adapterBytes, .totalBytes,
                .notebookCountedBaseBytes, .notebookStoredBaseBytes, .lossBefore, .lossAfter,
                .mergedOutputDifference, .requantizedOutputDifference, .updateRMS, .requantizationRMS,
            ] + QLoRALayerSection.tableRanks.flatMap { [.scalingAtRank($0), .rsLoRAScalingAtRank($0), .notebookScalingAtRank($0)] }
        }

        public var name: String { declaration.name }
        public var summary: String { declaration.summary }

        public var provenance: ResultProvenance {
            switch self {
            case .aBound, .notebookAStandardDeviation, .scaling, .frozen, .notebookCountedBaseBytes,
                 .scalingAtRank, .rsLoRAScalingAtRank, .notebookScalingAtRank:
                .given
            default:
                .measured
            }
        }

        private var declaration: (name: String, summary: String) {
            switch self {
            case .baseTrainable: ("base_trainable", "Values of the stored W that a training step changed.")
            case .baseBitsPerParameter: ("base_bits_per_param", "Bits per weight of the stored base, constants included.")
            case .baseBytes: ("base_bytes", "Bytes of every buffer the base stores.")
            case .packedBaseBytes: ("packed_base_bytes", "Bytes of the base's codes alone (the `weight` buffer).")
            case .initialOutputDifference: ("initial_output_difference", "Largest |layer(x) - base(x)| before training.")
            case .aMaxAbs: ("a_max_abs", "Largest |A| at the start.")
            case .aBound: ("a_bound", "peft's bound 1 / sqrt(in).")
            case .aStandardDeviation: ("a_std", "Standard deviation of A at the start.")
            case .notebookAStandardDeviation: ("notebook_a_std", "The notebook's 0.01.")
            case .bMaxAbs: ("b_max_abs", "Largest |B| at the start.")
            case .scaling: ("scaling", "The layer's scaling, alpha / r.")
            case .gradientNormA: ("grad_a_norm_step1", "Norm of dL/dA on the first step.")
            case .gradientNormB: ("grad_b_norm_step1", "Norm of dL/dB on the first step.")
            case .trainable: ("trainable", "Values the first step's backward pass gave a gradient: all of A and B.")
            case .frozen: ("frozen", "Values of W: in x out.")
            case .trainablePercent: ("trainable_percent", "trainable / (trainable + frozen), in percent.")
            case .adapterBytes: ("adapter_bytes", "Bytes the adapter adds to the layer: A and B in float32.")
            case .totalBytes: ("total_bytes", "Bytes of every buffer the layer keeps.")
            case .notebookCountedBaseBytes: ("notebook_counted_base_bytes", "The notebook's count: half a byte per weight.")
            case .notebookStoredBaseBytes: ("notebook_stored_base_bytes", "What the notebook's min-max codes really take: one uint8 per weight.")
            case .lossBefore: ("loss_before", "Mean squared error against the teacher before training.")
            case .lossAfter: ("loss_after", "The same after `train_steps` steps.")
            case .mergedOutputDifference: ("merged_output_difference", "Largest |merged float32 layer(x) - trained layer(x)|.")
            case .requantizedOutputDifference: ("requantized_output_difference", "Largest |re-quantized merged layer(x) - trained layer(x)|.")
            case .updateRMS: ("update_rms", "RMS of the adapter's update scaling x B A over W.")
            case .requantizationRMS: ("requantization_rms", "RMS of the error re-quantizing the merged weight adds.")
            case .scalingAtRank(let rank): ("scaling_r\(rank)", "alpha / \(rank).")
            case .rsLoRAScalingAtRank(let rank): ("rslora_scaling_r\(rank)", "alpha / sqrt(\(rank)).")
            case .notebookScalingAtRank(let rank): ("notebook_scaling_r\(rank)", "The notebook's 1 / \(rank).")
            }
        }
    }
}
