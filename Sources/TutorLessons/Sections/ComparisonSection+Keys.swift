import QLoRAEngine

extension ComparisonSection {
    /// What the `compare` section can show.
    public enum OutputKey: String, SectionOutputKey {
        case heatmaps, table

        public var summary: String {
            switch self {
            case .heatmaps: "`types`: the error of each type as a heatmap, all on one colour scale."
            case .table: "The comparison as a table: errors, bits per weight, code usage."
            }
        }
    }

    /// The comparisons the section can make, each a unit of work done only when asked for.
    enum Comparison: String, CaseIterable {
        case types, blocksizes
        case doubleQuantization = "double-quant"
    }

    /// The numbers the `compare` section measures, by comparison.
    public enum ResultKey: SectionResultKey {
        case mse(QuantizeSection.QuantizerKind)
        case sqnrDecibels(QuantizeSection.QuantizerKind)
        case codeEntropyBits(QuantizeSection.QuantizerKind)
        case bitsPerParameterAtBlocksize(Int)
        case mseAtBlocksize(Int)
        case mseWithoutDoubleQuantization, mseWithDoubleQuantization, mseIncreasePercent, codesChangedPercent
        case bitsPerParameterWithoutDoubleQuantization, bitsPerParameterWithDoubleQuantization

        public static var allCases: [ResultKey] {
            ComparisonSection.comparedTypes.flatMap { [.mse($0), .sqnrDecibels($0), .codeEntropyBits($0)] }
                + FourBitQuantized.supportedBlocksizes.flatMap { [.bitsPerParameterAtBlocksize($0), .mseAtBlocksize($0)] }
                + [
                    .mseWithoutDoubleQuantization, .mseWithDoubleQuantization, .mseIncreasePercent, .codesChangedPercent,
                    .bitsPerParameterWithoutDoubleQuantization, .bitsPerParameterWithDoubleQuantization,
                ]
        }

        /// The comparison that measures this result.
        var comparison: Comparison {
            switch self {
            case .mse, .sqnrDecibels, .codeEntropyBits: .types
            case .bitsPerParameterAtBlocksize, .mseAtBlocksize: .blocksizes
            default: .doubleQuantization
            }
        }

        public var name: String { declaration.name }
        public var summary: String { declaration.summary }

        private var declaration: (name: String, summary: String) {
            switch self {
            case .mse(let kind): ("mse_\(kind.rawValue)", "Mean squared error of \(kind.rawValue) at `blocksize`.")
            case .sqnrDecibels(let kind): ("sqnr_db_\(kind.rawValue)", "Signal-to-quantization-noise ratio of \(kind.rawValue), in dB.")
            case .codeEntropyBits(let kind): ("code_entropy_bits_\(kind.rawValue)", "Entropy of \(kind.rawValue)'s code usage, in bits (4 when all codes are used equally).")
            case .bitsPerParameterAtBlocksize(let size): ("bits_per_param_b\(size)", "Bits per weight of `type` at blocksize \(size), absmax included.")
            case .mseAtBlocksize(let size): ("mse_b\(size)", "Mean squared error of `type` at blocksize \(size).")
            case .mseWithoutDoubleQuantization: ("mse_without_dq", "Mean squared error of `type` without double quantization.")
            case .mseWithDoubleQuantization: ("mse_with_dq", "The same with double quantization.")
            case .mseIncreasePercent: ("mse_increase_percent", "How much double quantization raises the mean squared error, in percent.")
            case .codesChangedPercent: ("codes_changed_percent", "Share of 4-bit codes that differ with double quantization, in percent.")
            case .bitsPerParameterWithoutDoubleQuantization: ("bits_per_param_without_dq", "Bits per weight without double quantization.")
            case .bitsPerParameterWithDoubleQuantization: ("bits_per_param_with_dq", "Bits per weight with double quantization.")
            }
        }

    }
}
