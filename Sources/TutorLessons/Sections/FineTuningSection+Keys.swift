import QLoRAEngine

extension FineTuningSection {
    /// What the block compares.
    enum Comparison: String, CaseIterable {
        /// Full fine-tuning, LoRA, QLoRA-NF4 and QLoRA-FP4 with the same adapters.
        case methods
        /// One method's adapters on `q_proj,v_proj` against every linear layer, and over a range of ranks.
        case adapters
    }

    /// One run of a comparison, as its results are named.
    public enum Variant: Hashable, Sendable {
        /// A method of the `methods` comparison (full, lora, qlora-nf4, qlora-fp4).
        case method(FineTuningMethod)
        /// Adapters on `q_proj` and `v_proj` only, at the block's rank.
        case queryValue
        /// Adapters on every linear layer, at the block's rank.
        case allLinear
        /// Adapters on every linear layer at one of the ranks a block may give.
        case rank(Int)

        /// The suffix of its result names: `full`, `lora`, `qlora`, `qlora_fp4`, `qv`, `all`, `r4`.
        var key: String {
            switch self {
            case .method(let method): method == .qloraNF4 ? "qlora" : method.rawValue.replacingOccurrences(of: "-", with: "_")
            case .queryValue: "qv"
            case .allLinear: "all"
            case .rank(let rank): "r\(rank)"
            }
        }

        /// How its results are described.
        var summary: String {
            switch self {
            case .method(let method): method.rawValue
            case .queryValue: "adapters on q_proj,v_proj at the block's rank"
            case .allLinear: "adapters on every linear layer at the block's rank"
            case .rank(let rank): "adapters on every linear layer at rank \(rank)"
            }
        }

        /// Every variant a block can run.
        static let allCases: [Variant] =
            FineTuningMethod.llamaStandard.map(Variant.method) + [.queryValue, .allLinear] + FineTuningSection.ranks.map(Variant.rank)
    }

    /// What the `finetune` section can show.
    public enum OutputKey: String, SectionOutputKey {
        case curves, table, samples

        public var summary: String {
            switch self {
            case .curves: "Each run's training loss, step by step (a running mean over 5 steps), drawn as it trains."
            case .table: "Each run: values trained, held-out loss on the new domain and on the pretraining domain before and after, median step time."
            case .samples: "Text the base and each trained model write from the same prompt, with the same seed."
            }
        }
    }

    /// The numbers the `finetune` section measures, per run.
    public enum ResultKey: SectionResultKey {
        case trainable(Variant)
        case proseBefore(Variant), proseAfter(Variant), codeBefore(Variant), codeAfter(Variant)
        case firstLoss(Variant), lastLoss(Variant)

        public static var allCases: [ResultKey] { Variant.allCases.flatMap(perRun) }

        /// The results of one run.
        static func perRun(_ variant: Variant) -> [ResultKey] {
            [
                .trainable(variant), .proseBefore(variant), .proseAfter(variant), .codeBefore(variant), .codeAfter(variant),
                .firstLoss(variant), .lastLoss(variant),
            ]
        }

        public var name: String { declaration.name }
        public var summary: String { declaration.summary }

        private var declaration: (name: String, summary: String) {
            switch self {
            case .trainable(let v): ("trainable_\(v.key)", "\(v.summary): values the optimizer moved, counted off the gradient buffers.")
            case .proseBefore(let v): ("prose_before_\(v.key)", "\(v.summary): held-out prose loss (nats per byte) of the base as this run stores it.")
            case .proseAfter(let v): ("prose_after_\(v.key)", "\(v.summary): held-out prose loss after training.")
            case .codeBefore(let v): ("code_before_\(v.key)", "\(v.summary): held-out Swift loss (the pretraining domain) before training.")
            case .codeAfter(let v): ("code_after_\(v.key)", "\(v.summary): held-out Swift loss after training: what it forgot.")
            case .firstLoss(let v): ("first_loss_\(v.key)", "\(v.summary): mean training loss of the first 5 steps.")
            case .lastLoss(let v): ("last_loss_\(v.key)", "\(v.summary): mean training loss of the last 5 steps.")
            }
        }
    }
}
