extension MemoryEstimate {
    /// An optimizer, by what it keeps per trainable value.
    public enum Optimizer: String, CaseIterable {
        /// Adam (or AdamW): first and second moments m and v in float32, 8 bytes per value.
        case adam
        /// bitsandbytes' 8-bit Adam: m and v in 8 bits, 2 bytes per value. Its blockwise float32 scales
        /// (one per 256 values of each state, 0.03 bytes per value) are left out.
        case adam8bit = "adam-8bit"
        /// Plain SGD without momentum keeps nothing.
        case sgd

        /// Bytes of optimizer state per trainable value, not counting a mixed-precision master copy.
        public var stateBytesPerParameter: Int {
            switch self {
            case .adam: 8
            case .adam8bit: 2
            case .sgd: 0
            }
        }

        /// The optimizer called `name` (`adam`, `adam-8bit`, `sgd`).
        ///
        /// - Throws: `InputError` with source `optimizer` listing the known names.
        public init(named name: String) throws(InputError) {
            guard let optimizer = Optimizer(rawValue: name) else {
                let names = Self.allCases.map(\.rawValue).joined(separator: ", ")
                throw InputError("optimizer", "unknown optimizer '\(name)'; expected one of: \(names)")
            }
            self = optimizer
        }
    }
}

extension MemoryEstimate.Optimizer: Sendable {}
