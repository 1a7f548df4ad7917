import Foundation
import QLoRAEngine

/// The `formats` section: FP32, FP16, BF16, INT8 and 4-bit side by side, one value rounded
/// through the floating-point ones, and what a real model's weights take in each.
public struct NumberFormatsSection: LessonSection {
    public init() {}

    public let name = "formats"
    public let summary = "Number formats: their bits, range and step; one value rounded through each; a model's weights in each."

    public var parameters: [ParameterSpec] {
        [
            ParameterSpec(
                name: "value", summary: "The weight to round through FP32, FP16 and BF16 (taken as float32 first).",
                domain: .range(-1e30...1e30, step: nil), defaultValue: .number(0.0123456)),
            ParameterSpec(
                name: "model", summary: "The architecture whose parameter count the `model` table uses.",
                domain: .choices(ModelArchitecture.known.map(\.name)), defaultValue: .word("llama-2-7b")),
        ]
    }

    public var outputs: [(name: String, summary: String)] {
        [
            ("table", "Each format's bits, largest value, step near 1 and number of distinct values."),
            ("roundtrip", "`value` stored in FP32, FP16 and BF16 and read back, with the error each adds."),
            ("model", "The size of `model`'s weights in each format, in GB, and the saving against FP32."),
            ("double_quant_saving", "What double quantization saves on `model`'s weights, in GB."),
        ]
    }

    public var results: [(name: String, summary: String)] {
        var results: [(name: String, summary: String)] = []
        for format in Self.floatingPointFormats {
            let key = format.name.lowercased()
            results += [
                ("\(key)_bits", "Bits per \(format.name) value."),
                ("\(key)_max", "The largest finite \(format.name) value."),
                ("\(key)_epsilon", "The gap between 1 and the next \(format.name) value."),
                ("\(key)_error", "|value - \(format.name)(value)|."),
                ("\(key)_relative_error", "The error divided by |value|."),
                ("\(key)_overflows", "1 when `value` rounds to infinity in \(format.name), else 0."),
                ("\(key)_underflows", "1 when a non-zero `value` rounds to zero in \(format.name), else 0."),
            ]
        }
        for format in Self.storageFormats {
            results += [
                ("weights_gb_\(format.key)", "`model`'s weights in \(format.name), in GB (10^9 bytes)."),
                ("saving_percent_\(format.key)", "The saving of \(format.name) against FP32, in percent."),
            ]
        }
        results += [
            ("int8_bits", "Bits per INT8 code."), ("int8_levels", "Distinct INT8 codes."),
            ("int4_bits", "Bits per 4-bit code."), ("int4_levels", "Distinct 4-bit codes."),
            ("model_params", "`model`'s parameter count."),
            ("double_quant_saving_gb", "GB saved on `model` by 4.127 instead of 4.5 bits per parameter (NF4, blocksize 64)."),
        ]
        return results
    }

    public func run(_ parameters: ParameterValues) throws -> SectionResult {
        let original = Double(Float(parameters.number("value")))
        let architecture = try ModelArchitecture.named(parameters.word("model"))
        var results: [String: Double] = [
            "int8_bits": 8, "int8_levels": 256, "int4_bits": 4, "int4_levels": 16,
            "model_params": Double(architecture.parameterCount),
        ]

        var formatRows: [[String]] = []
        var roundtripRows: [[String]] = []
        for format in Self.floatingPointFormats {
            let key = format.name.lowercased()
            let stored = format.rounded(original)
            let error = abs(original - stored)
            results["\(key)_bits"] = Double(format.bitWidth)
            results["\(key)_max"] = format.largestFinite
            results["\(key)_epsilon"] = format.epsilon
            results["\(key)_error"] = stored.isFinite ? error : .infinity
            results["\(key)_relative_error"] = original == 0 ? 0 : (stored.isFinite ? error / abs(original) : .infinity)
            results["\(key)_overflows"] = stored.isInfinite ? 1 : 0
            results["\(key)_underflows"] = original != 0 && stored == 0 ? 1 : 0
            formatRows.append([
                format.name, "\(format.bitWidth)", "1+\(format.exponentBits)+\(format.mantissaBits)",
                SectionFormat.magnitude(format.largestFinite), SectionFormat.scientific(format.epsilon),
                "2^\(format.bitWidth)",
            ])
            if stored.isInfinite {
                roundtripRows.append([format.name, SectionFormat.significant(stored) + " (overflow)", "-", "-"])
            } else {
                roundtripRows.append([
                    format.name, SectionFormat.significant(stored) + (original != 0 && stored == 0 ? " (underflow)" : ""),
                    SectionFormat.scientific(error),
                    original == 0 ? "-" : SectionFormat.percent(100 * error / abs(original), digits: 4),
                ])
            }
        }
        formatRows.append(["INT8", "8", "code", "127 x scale", "scale", "256"])
        formatRows.append(["4-bit", "4", "code", "7 x scale", "scale", "16"])

        var modelRows: [[String]] = []
        let fp32Bytes = Double(architecture.parameterCount) * 4
        for format in Self.storageFormats {
            let bytes = Double(architecture.parameterCount) * format.bits / 8
            let saving = 100 * (1 - bytes / fp32Bytes)
            results["weights_gb_\(format.key)"] = bytes / 1e9
            results["saving_percent_\(format.key)"] = saving
            modelRows.append([format.name, SectionFormat.number(format.bits), SectionFormat.gigabytes(bytes), SectionFormat.percent(saving)])
        }

        let bitsWithoutNested: Double = 4 + 32.0 / 64
        let bitsWithNested: Double = 4 + 8.0 / 64 + 32.0 / (64 * 256)
        let withoutNested = Double(architecture.parameterCount) * bitsWithoutNested / 8
        let withNested = Double(architecture.parameterCount) * bitsWithNested / 8
        results["double_quant_saving_gb"] = (withoutNested - withNested) / 1e9

        return SectionResult(
            outputs: [
                "table": [.table(OutputTable(
                    title: "Number formats",
                    headers: ["format", "bits", "sign+exp+mant", "largest", "step near 1", "values"],
                    alignments: [.left, .right, .left, .right, .right, .right], rows: formatRows))],
                "roundtrip": [.table(OutputTable(
                    title: "\(SectionFormat.significant(original)) stored and read back",
                    headers: ["format", "read back", "error", "relative error"],
                    alignments: [.left, .right, .right, .right], rows: roundtripRows))],
                "model": [.table(OutputTable(
                    title: "\(architecture.name): \(SectionFormat.count(architecture.parameterCount)) parameters, weights only",
                    headers: ["format", "bits per weight", "weights", "saved vs FP32"],
                    alignments: [.left, .right, .right, .right], rows: modelRows))],
                "double_quant_saving": [.table(OutputTable(
                    title: "\(architecture.name): NF4 weights with and without double quantization",
                    headers: ["layout", "bits per weight", "weights"],
                    alignments: [.left, .right, .right],
                    rows: [
                        ["absmax in float32", SectionFormat.number(bitsWithoutNested), SectionFormat.gigabytes(withoutNested)],
                        ["double quantization", SectionFormat.number(bitsWithNested, digits: 3), SectionFormat.gigabytes(withNested)],
                        ["saved", "", SectionFormat.gigabytes(withoutNested - withNested)],
                    ]))],
            ],
            results: results)
    }

    /// The floating-point formats the section rounds through.
    static let floatingPointFormats: [FloatingPointFormat] = [.fp32, .fp16, .bf16]

    /// The storage widths for the model table: name, result key and bits per weight (codes only).
    static let storageFormats: [(name: String, key: String, bits: Double)] = [
        ("FP32", "fp32", 32), ("FP16", "fp16", 16), ("BF16", "bf16", 16), ("INT8", "int8", 8), ("4-bit, packed", "4bit", 4),
    ]
}
