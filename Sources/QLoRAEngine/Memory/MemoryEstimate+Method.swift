extension MemoryEstimate {
    /// A way to fine-tune.
    public enum Method: Equatable {
        /// Every parameter trains in float32.
        case fullFP32
        /// Every parameter trains with 16-bit weights and gradients and an fp32 master copy.
        case fullMixedPrecision
        /// Adapters train on a frozen 16-bit base.
        case lora
        /// Adapters train on a frozen base whose decoder linear layers are stored in 4 bits.
        case qlora(FourBitBase)

        /// The method's short name: `full-fp32`, `full-mixed`, `lora`, `qlora`.
        public var name: String {
            switch self {
            case .fullFP32: "full-fp32"
            case .fullMixedPrecision: "full-mixed"
            case .lora: "lora"
            case .qlora: "qlora"
            }
        }

        /// How QLoRA stores its 4-bit base; nil for the other methods.
        public var fourBitBase: FourBitBase? {
            if case .qlora(let base) = self { base } else { nil }
        }
    }
}

extension MemoryEstimate.Method: Sendable {}
