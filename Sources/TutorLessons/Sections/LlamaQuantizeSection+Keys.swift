import QLoRAEngine

extension LlamaQuantizeSection {
    /// What the `llama-quantize` section can show.
    public enum OutputKey: String, SectionOutputKey {
        case table, increase

        public var summary: String {
            switch self {
            case .table: "Each type's bits per weight, weight error, code entropy, held-out loss and perplexity, beside float."
            case .increase: "How much each type raises the held-out loss over float, as bars."
            }
        }
    }

    /// The numbers the `llama-quantize` section produces, by how the linears were stored.
    public enum ResultKey: SectionResultKey {
        case loss(FrozenBase.Format), perplexity(FrozenBase.Format)
        case lossIncrease(FrozenBase.Format), bitsPerParameter(FrozenBase.Format)
        case codeEntropyBits(FrozenBase.Format), weightMeanSquaredError(FrozenBase.Format)
        case tokens

        public static var allCases: [ResultKey] {
            [.loss(.float32), .perplexity(.float32)]
                + LlamaQuantizeSection.comparedFormats.flatMap {
                    [.loss($0), .perplexity($0), .lossIncrease($0), .bitsPerParameter($0), .codeEntropyBits($0), .weightMeanSquaredError($0)]
                }
                + [.tokens]
        }

        public var name: String { declaration.name }
        public var summary: String { declaration.summary }

        public var provenance: ResultProvenance {
            // The tokens scored follow from `windows` and the text's length alone.
            self == .tokens ? .given : .measured
        }

        /// `float` for the float model, the format's name otherwise.
        private static func label(_ format: FrozenBase.Format) -> String {
            format == .float32 ? "float" : format.rawValue
        }

        private var declaration: (name: String, summary: String) {
            switch self {
            case .loss(let format): ("loss_\(Self.label(format))", "Held-out loss of the \(Self.label(format)) model, nats per token.")
            case .perplexity(let format): ("perplexity_\(Self.label(format))", "e to the loss of the \(Self.label(format)) model.")
            case .lossIncrease(let format): ("loss_increase_\(format.rawValue)", "loss_\(format.rawValue) - loss_float.")
            case .bitsPerParameter(let format): ("bits_per_param_\(format.rawValue)", "Stored bits per decoder-linear weight in \(format.rawValue), constants included.")
            case .codeEntropyBits(let format): ("code_entropy_bits_\(format.rawValue)", "Entropy of \(format.rawValue)'s code usage over every linear, in bits.")
            case .weightMeanSquaredError(let format): ("weight_mse_\(format.rawValue)", "Mean squared difference of the \(format.rawValue) weights from the float ones.")
            case .tokens: ("tokens", "Tokens predicted in the scored windows.")
            }
        }
    }
}
