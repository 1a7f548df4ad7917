extension MemoryEstimate {
    /// How the frozen base is prepared before peft adds the adapters.
    public enum Recipe: String, CaseIterable {
        /// `get_peft_model` on the base as loaded in bfloat16: every parameter that is not a 4-bit weight stays
        /// 16-bit, so the hidden states between layers are 16-bit.
        case lora
        /// peft's `prepare_model_for_kbit_training` first, as the QLoRA recipe does: it casts every 16-bit
        /// parameter (embeddings, norms, output head; on a 16-bit base every weight) to float32, so the
        /// hidden states between layers are float32.
        case qlora

        /// The recipe named `name`.
        ///
        /// - Throws: `InputError` with source `recipe` listing the choices.
        public init(named name: String) throws(InputError) {
            guard let recipe = Self(rawValue: name) else {
                throw InputError("recipe", "unknown recipe '\(name)'; expected lora or qlora")
            }
            self = recipe
        }

        /// Bytes of every parameter that is not a 4-bit weight, and so of the hidden states: 2 or 4.
        var unquantizedParameterBytes: Int {
            switch self {
            case .lora: 2
            case .qlora: 4
            }
        }
    }
}

extension MemoryEstimate.Recipe: Sendable {}
