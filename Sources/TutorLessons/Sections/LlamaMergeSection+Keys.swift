import QLoRAEngine

extension LlamaMergeSection {
    /// What the `llama-merge` section can show.
    public enum OutputKey: String, SectionOutputKey {
        case table, training

        public var summary: String {
            switch self {
            case .table: "Every version's held-out losses: the bases, the trained QLoRA model, and each merge before and after."
            case .training: "The adapter's training loss, step by step."
            }
        }
    }

    /// The numbers the `llama-merge` section measures.
    public enum ResultKey: SectionResultKey {
        case loss(LlamaAdapterMerge.Version, text: String)
        case floatMergeChange, quantizedMergeChange, trainingGain, quantizedMergeLostPercent
        case firstTrainingLoss, lastTrainingLoss

        public static var allCases: [ResultKey] {
            LlamaMergeSection.heldOutTexts.flatMap { text in LlamaAdapterMerge.Version.allCases.map { .loss($0, text: text.key) } }
                + [.floatMergeChange, .quantizedMergeChange, .trainingGain, .quantizedMergeLostPercent, .firstTrainingLoss, .lastTrainingLoss]
        }

        public var name: String { declaration.name }
        public var summary: String { declaration.summary }

        /// The name part of a version: `float`, `nf4`, `qlora`, `merged_nf4`, `float_adapter`, `merged_float`.
        static func label(_ version: LlamaAdapterMerge.Version) -> String {
            switch version {
            case .floatBase: "float"
            case .quantizedBase: "nf4"
            case .quantizedWithAdapter: "qlora"
            case .mergedQuantized: "merged_nf4"
            case .floatWithAdapter: "float_adapter"
            case .mergedFloat: "merged_float"
            }
        }

        /// What a version is, in words.
        static func meaning(_ version: LlamaAdapterMerge.Version) -> String {
            switch version {
            case .floatBase: "the float base"
            case .quantizedBase: "the NF4 base, before training"
            case .quantizedWithAdapter: "the NF4 base with the trained adapter (QLoRA as trained)"
            case .mergedQuantized: "the adapter merged into the NF4 base, re-quantized"
            case .floatWithAdapter: "the float base with the trained adapter, unmerged"
            case .mergedFloat: "the adapter merged into the float base"
            }
        }

        private var declaration: (name: String, summary: String) {
            switch self {
            case .loss(let version, let text): ("loss_\(text)_\(Self.label(version))", "Loss on held-out \(text) of \(Self.meaning(version)).")
            case .floatMergeChange: ("float_merge_change", "Largest |loss change| merging into the float base caused, over both texts.")
            case .quantizedMergeChange: ("nf4_merge_change", "Largest |loss change| merging into the NF4 base and re-quantizing caused.")
            case .trainingGain: ("training_gain", "loss_prose_nf4 - loss_prose_qlora: what training took off the held-out prose loss.")
            case .quantizedMergeLostPercent: ("nf4_merge_lost_percent", "(loss_prose_merged_nf4 - loss_prose_qlora) as a share of training_gain, in percent.")
            case .firstTrainingLoss: ("first_training_loss", "The training loss of the first step.")
            case .lastTrainingLoss: ("last_training_loss", "The training loss of the last step.")
            }
        }
    }
}
