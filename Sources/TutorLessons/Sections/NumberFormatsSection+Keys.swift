import QLoRAEngine

extension NumberFormatsSection {
    /// What the `formats` section can show.
    public enum OutputKey: String, SectionOutputKey {
        case table, roundtrip, model
        case doubleQuantSaving = "double_quant_saving"

        public var summary: String {
            switch self {
            case .table: "Each format's bits, largest value, step near 1 and number of distinct values."
            case .roundtrip: "`value` stored in FP32, FP16 and BF16 and read back, with the error each adds."
            case .model: "The size of `model`'s weights in each format, in GB, and the saving against FP32."
            case .doubleQuantSaving: "What double quantization saves on `model`'s weights, in GB."
            }
        }
    }

    /// The floating-point formats the section rounds through.
    public enum FloatFormat: String, CaseIterable, Sendable {
        case fp32, fp16, bf16

        /// The engine's description of the format.
        var format: FloatingPointFormat {
            switch self {
            case .fp32: .fp32
            case .fp16: .fp16
            case .bf16: .bf16
            }
        }
    }

    /// The storage widths of the `model` table.
    public enum StorageFormat: String, CaseIterable, Sendable {
        case fp32, fp16, bf16, int8
        case fourBit = "4bit"

        /// The name the table shows.
        var title: String {
            switch self {
            case .fp32, .fp16, .bf16, .int8: rawValue.uppercased()
            case .fourBit: "4-bit, packed"
            }
        }

        /// Bits per weight, codes only.
        var bits: Double {
            switch self {
            case .fp32: 32
            case .fp16, .bf16: 16
            case .int8: 8
            case .fourBit: 4
            }
        }
    }

    /// The numbers the `formats` section produces: the rounding it measures, and the formats'
    /// properties and sizes it shows as givens.
    public enum ResultKey: SectionResultKey {
        case bits(FloatFormat), largest(FloatFormat), epsilon(FloatFormat)
        case error(FloatFormat), relativeError(FloatFormat), overflows(FloatFormat), underflows(FloatFormat)
        case weightsGB(StorageFormat), savingPercent(StorageFormat)
        case int8Bits, int8Levels, int4Bits, int4Levels, modelParameters, doubleQuantSavingGB

        public static var allCases: [ResultKey] {
            FloatFormat.allCases.flatMap { [.bits($0), .largest($0), .epsilon($0), .error($0), .relativeError($0), .overflows($0), .underflows($0)] }
                + StorageFormat.allCases.flatMap { [.weightsGB($0), .savingPercent($0)] }
                + [.int8Bits, .int8Levels, .int4Bits, .int4Levels, .modelParameters, .doubleQuantSavingGB]
        }

        public var provenance: ResultProvenance {
            switch self {
            case .error, .relativeError, .overflows, .underflows, .modelParameters: .measured
            default: .given
            }
        }

        public var name: String { declaration.name }
        public var summary: String { declaration.summary }

        private var declaration: (name: String, summary: String) {
            switch self {
            case .bits(let format): ("\(format.rawValue)_bits", "Bits per \(format.format.name) value.")
            case .largest(let format): ("\(format.rawValue)_max", "The largest finite \(format.format.name) value.")
            case .epsilon(let format): ("\(format.rawValue)_epsilon", "The gap between 1 and the next \(format.format.name) value.")
            case .error(let format): ("\(format.rawValue)_error", "|value - \(format.format.name)(value)|.")
            case .relativeError(let format): ("\(format.rawValue)_relative_error", "The error divided by |value|.")
            case .overflows(let format): ("\(format.rawValue)_overflows", "1 when `value` rounds to infinity in \(format.format.name), else 0.")
            case .underflows(let format): ("\(format.rawValue)_underflows", "1 when a non-zero `value` rounds to zero in \(format.format.name), else 0.")
            case .weightsGB(let format): ("weights_gb_\(format.rawValue)", "`model`'s weights in \(format.title), in GB (10^9 bytes): parameters x bits / 8.")
            case .savingPercent(let format): ("saving_percent_\(format.rawValue)", "The saving of \(format.title) against FP32, in percent.")
            case .int8Bits: ("int8_bits", "Bits per INT8 code.")
            case .int8Levels: ("int8_levels", "Levels a symmetric absmax int8 code uses: -127 to 127, 255 of its 256 codes.")
            case .int4Bits: ("int4_bits", "Bits per 4-bit code.")
            case .int4Levels: ("int4_levels", "Levels a symmetric absmax int4 code uses: -7 to 7, 15 of its 16 codes.")
            case .modelParameters: ("model_params", "`model`'s parameter count, added up from its architecture.")
            case .doubleQuantSavingGB: ("double_quant_saving_gb", "GB saved on `model` by 4.127 instead of 4.5 bits per parameter (NF4, blocksize 64).")
            }
        }

    }
}
