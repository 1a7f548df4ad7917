import Foundation
import QLoRAEngine

/// The `compare` section: one seeded matrix quantized several ways, side by side.
///
/// `versus: types` sets absmax int4, FP4 and NF4 against each other at one blocksize, their error
/// heatmaps on one shared colour scale; `versus: blocksizes` runs one type at every blocksize
/// bitsandbytes accepts; `versus: double-quant` quantizes with and without double quantization.
/// Every run computes all three comparisons, so any result can be checked from any block.
public struct ComparisonSection: LessonSection {
    public init() {}

    public let name = "compare"
    public let summary = "One matrix quantized several ways: int4 / FP4 / NF4, every blocksize, or with and without double quantization."

    /// The types `versus: types` compares, in the order they are shown.
    static let comparedTypes: [QuantizeSection.QuantizerKind] = [.int4, .fp4, .nf4]

    public var parameters: [ParameterSpec] {
        MatrixParameters.specs + [
            ParameterSpec(
                name: "versus", summary: "`types`, `blocksizes` or `double-quant`: which comparison the outputs show.",
                domain: .choices(["types", "blocksizes", "double-quant"]), defaultValue: .word("types")),
            ParameterSpec(
                name: "type", summary: "The type `blocksizes` and `double-quant` use: `int4`, `fp4` or `nf4`.",
                domain: .choices(Self.comparedTypes.map(\.rawValue)), defaultValue: .word("nf4")),
            ParameterSpec(
                name: "blocksize", summary: "Values per absmax block for `types` and `double-quant`.",
                domain: .numbers(FourBitQuantized.supportedBlocksizes.map(Double.init)), defaultValue: .number(64)),
        ]
    }

    public var outputs: [(name: String, summary: String)] {
        [
            ("heatmaps", "`types`: the error of each type as a heatmap, all on one colour scale."),
            ("table", "The comparison as a table: errors, bits per weight, code usage."),
        ]
    }

    public var results: [(name: String, summary: String)] {
        var results: [(name: String, summary: String)] = []
        for kind in Self.comparedTypes {
            let key = kind.rawValue
            results += [
                ("mse_\(key)", "Mean squared error of \(key) at `blocksize`."),
                ("sqnr_db_\(key)", "Signal-to-quantization-noise ratio of \(key), in dB."),
                ("code_entropy_bits_\(key)", "Entropy of \(key)'s code usage, in bits (4 when all codes are used equally)."),
            ]
        }
        for blocksize in FourBitQuantized.supportedBlocksizes {
            results += [
                ("bits_per_param_b\(blocksize)", "Bits per weight of `type` at blocksize \(blocksize), absmax included."),
                ("mse_b\(blocksize)", "Mean squared error of `type` at blocksize \(blocksize)."),
            ]
        }
        results += [
            ("mse_without_dq", "Mean squared error of `type` without double quantization."),
            ("mse_with_dq", "The same with double quantization."),
            ("mse_increase_percent", "How much double quantization raises the mean squared error, in percent."),
            ("codes_changed_percent", "Share of 4-bit codes that differ with double quantization, in percent."),
            ("bits_per_param_without_dq", "Bits per weight without double quantization."),
            ("bits_per_param_with_dq", "Bits per weight with double quantization."),
        ]
        return results
    }

    public func run(_ parameters: ParameterValues) throws -> SectionResult {
        let original = MatrixParameters.matrix(parameters)
        let blocksize = parameters.integer("blocksize")
        let chosen = QuantizeSection.QuantizerKind(rawValue: parameters.word("type")) ?? .nf4
        var results: [String: Double] = [:]

        // Types: int4, FP4 and NF4 at one blocksize.
        var typeRows: [[String]] = []
        var errors: [(title: String, values: [Float])] = []
        for kind in Self.comparedTypes {
            let quantized = try QuantizeSection.Quantized(original, kind: kind, blocksize: blocksize, doubleQuantization: false)
            let reconstructed = quantized.tensor.dequantized()
            let statistics = ErrorStatistics(original: original, reconstructed: reconstructed)
            let entropy = QuantizeSection.Quantized.entropyBits(of: quantized.codeUsage)
            let key = kind.rawValue
            results["mse_\(key)"] = statistics.meanSquaredError
            results["sqnr_db_\(key)"] = statistics.signalToQuantizationNoiseDecibels
            results["code_entropy_bits_\(key)"] = entropy
            typeRows.append([
                key, statistics.meanSquaredError.compact, statistics.signalToQuantizationNoiseDecibels.compact,
                quantized.tensor.bitsPerParameter.compact, entropy.compact,
            ])
            errors.append(("\(key) error", zip(reconstructed.scalars, original.scalars).map { $0 - $1 }))
        }

        // Blocksizes: one type at every blocksize bitsandbytes accepts.
        var blocksizeRows: [[String]] = []
        for size in FourBitQuantized.supportedBlocksizes {
            let quantized = try QuantizeSection.Quantized(original, kind: chosen, blocksize: size, doubleQuantization: false)
            let statistics = ErrorStatistics(original: original, reconstructed: quantized.tensor.dequantized())
            let bits = quantized.tensor.bitsPerParameter
            results["bits_per_param_b\(size)"] = bits
            results["mse_b\(size)"] = statistics.meanSquaredError
            blocksizeRows.append([
                "\(size)", bits.compact, (bits - 4).compact, statistics.meanSquaredError.compact,
                statistics.signalToQuantizationNoiseDecibels.compact,
            ])
        }

        // Double quantization: the same type and blocksize with and without.
        let single = try QuantizeSection.Quantized(original, kind: chosen, blocksize: blocksize, doubleQuantization: false)
        let double = try QuantizeSection.Quantized(original, kind: chosen, blocksize: blocksize, doubleQuantization: true)
        let singleError = ErrorStatistics(original: original, reconstructed: single.tensor.dequantized())
        let doubleError = ErrorStatistics(original: original, reconstructed: double.tensor.dequantized())
        let changed = zip(single.codes, double.codes).filter { $0 != $1 }.count
        results["mse_without_dq"] = singleError.meanSquaredError
        results["mse_with_dq"] = doubleError.meanSquaredError
        results["mse_increase_percent"] = 100 * (doubleError.meanSquaredError / max(singleError.meanSquaredError, .leastNormalMagnitude) - 1)
        results["codes_changed_percent"] = 100 * Double(changed) / Double(max(original.count, 1))
        results["bits_per_param_without_dq"] = single.tensor.bitsPerParameter
        results["bits_per_param_with_dq"] = double.tensor.bitsPerParameter

        let matrix = "\(original.rows) x \(original.columns) \(parameters.word("matrix.init")) weights"
        let table: OutputTable
        switch parameters.word("versus") {
        case "blocksizes":
            table = OutputTable(
                title: "\(chosen.rawValue) on \(matrix), every blocksize",
                headers: ["blocksize", "bits per weight", "of which absmax", "MSE", "SQNR (dB)"],
                alignments: [.right, .right, .right, .right, .right], rows: blocksizeRows)
        case "double-quant":
            table = OutputTable(
                title: "\(chosen.rawValue), blocks of \(blocksize), on \(matrix)",
                headers: ["absmax stored as", "bits per weight", "MSE", "SQNR (dB)"],
                alignments: [.left, .right, .right, .right],
                rows: [
                    ["float32", single.tensor.bitsPerParameter.compact, singleError.meanSquaredError.compact,
                     singleError.signalToQuantizationNoiseDecibels.compact],
                    ["8-bit (double quantization)", double.tensor.bitsPerParameter.compact, doubleError.meanSquaredError.compact,
                     doubleError.signalToQuantizationNoiseDecibels.compact],
                    ["change", "", "+" + (results["mse_increase_percent"] ?? 0).compact + "%",
                     "codes changed: " + (results["codes_changed_percent"] ?? 0).compact + "%"],
                ])
        default:
            table = OutputTable(
                title: "Blocks of \(blocksize) on \(matrix)",
                headers: ["type", "MSE", "SQNR (dB)", "bits per weight", "code entropy (bits)"],
                alignments: [.left, .right, .right, .right, .right], rows: typeRows)
        }
        let limit = errors.flatMap(\.values).reduce(0) { max($0, abs($1)) }
        let heatmaps = errors.map {
            Heatmap(title: $0.title, rows: original.rows, columns: original.columns, values: $0.values, scale: .signed(limit: limit))
        }
        return SectionResult(outputs: ["heatmaps": [.heatmaps(heatmaps)], "table": [.table(table)]], results: results)
    }
}
