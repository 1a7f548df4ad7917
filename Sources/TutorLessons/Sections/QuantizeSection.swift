import Foundation
import QLoRAEngine

/// The `quantize` section: quantize a seeded weight matrix and measure what was lost and saved.
///
/// One section covers every quantizer a lesson compares: the notebook's per-tensor min-max 4-bit
/// scheme, absmax integers per block, and bitsandbytes' NF4 and FP4 with or without double
/// quantization.
public struct QuantizeSection: LessonSection {
    public init() {}

    public var name: String { "quantize" }
    public var summary: String { "Quantize a seeded weight matrix and compare it with the original." }

    public var parameters: [ParameterSpec] {
        MatrixParameters.specs + [
            ParameterSpec(
                name: "type",
                summary: "`minmax4` (per-tensor min-max, one code per byte), `int8`/`int4` (absmax per block), `nf4`, `fp4`",
                domain: .choices(QuantizerKind.allCases.map(\.rawValue)), defaultValue: .word("nf4")),
            ParameterSpec(
                name: "blocksize", summary: "values per absmax block (not used by `minmax4`)",
                domain: .numbers(FourBitQuantized.supportedBlocksizes.map(Double.init)), defaultValue: .number(64)),
            ParameterSpec(
                name: "double_quant", summary: "`yes` to quantize the absmax values to 8 bits too (`nf4`, `fp4` only)",
                domain: .choices(["no", "yes"]), defaultValue: .word("no")),
        ]
    }

    public var outputs: [(name: String, summary: String)] {
        [
            ("constants", "table of the scale, the zero point (`minmax4`) and the codes a weight can get"),
            ("stats", "table of the error statistics and the storage cost"),
            ("heatmap", "the original and the reconstructed matrix side by side, on one signed scale"),
            ("error", "heatmap of reconstructed - original, with the block grid"),
            ("histogram", "histogram of the weights, the quantizer's levels marked"),
            ("usage", "histogram of how often each code is used"),
            ("codes", "table of the first values: original, code, reconstructed, error"),
            ("buffers", "table of every stored buffer with its type and bytes"),
            ("memory", "memory breakdown of the stored buffers"),
        ]
    }

    public var results: [(name: String, summary: String)] {
        [
            ("count", "number of weights"),
            ("blocks", "number of scale blocks (1 for `minmax4`)"),
            ("mae", "mean absolute error"),
            ("mse", "mean squared error"),
            ("rmse", "root mean squared error"),
            ("max_error", "largest absolute error"),
            ("sqnr_db", "signal-to-quantization-noise ratio in dB (inf when exact)"),
            ("worst_block_mse", "largest mean squared error of one block"),
            ("bits_per_param", "stored bits per weight, codebooks left out (the QLoRA paper's count)"),
            ("code_bytes", "bytes of the codes alone"),
            ("stored_bytes", "bytes of every stored buffer that grows with the matrix (codebooks left out)"),
            ("codebook_bytes", "bytes of the fixed codebooks stored alongside (16 or 256 float32 values)"),
            ("float32_bytes", "bytes of the matrix as float32 (4 per weight)"),
            ("saving_percent", "100 * (1 - stored_bytes / float32_bytes)"),
            ("levels", "number of distinct values a code can stand for"),
            ("distinct_codes", "number of distinct codes the matrix uses"),
            ("code_entropy_bits", "entropy of the code usage in bits: how evenly the codes are used"),
            ("absmax", "largest absolute weight"),
            ("scale", "`minmax4`: the step between levels; otherwise the largest block's scale (absmax or absmax / largest code)"),
            ("minimum", "`minmax4`: the value of code 0 (the smallest weight); otherwise 0"),
        ]
    }

    /// The quantizers `type` can name.
    enum QuantizerKind: String, CaseIterable {
        case minmax4, int8, int4, nf4, fp4
    }

    public func run(_ parameters: ParameterValues) throws -> SectionResult {
        let original = MatrixParameters.matrix(parameters)
        let kind = QuantizerKind(rawValue: parameters.word("type")) ?? .nf4
        let blocksize = parameters.integer("blocksize")
        let quantized = try Quantized(original, kind: kind, blocksize: blocksize, doubleQuantization: parameters.word("double_quant") == "yes")
        let reconstructed = quantized.tensor.dequantized()
        let statistics = ErrorStatistics(original: original, reconstructed: reconstructed, blocksize: kind == .minmax4 ? nil : blocksize)

        let float32Bytes = Double(original.count * 4)
        let buffers = quantized.tensor.storedBuffers
        let storedBytes = Double(buffers.filter { !$0.isCodebook }.reduce(0) { $0 + $1.bytes })
        let codebookBytes = Double(buffers.filter(\.isCodebook).reduce(0) { $0 + $1.bytes })
        let usage = quantized.codeUsage
        let entropy = Quantized.entropyBits(of: usage)
        let results: [String: Double] = [
            "count": Double(original.count),
            "blocks": Double(quantized.blocks),
            "mae": statistics.meanAbsoluteError,
            "mse": statistics.meanSquaredError,
            "rmse": statistics.rootMeanSquaredError,
            "max_error": statistics.maximumAbsoluteError,
            "sqnr_db": statistics.signalToQuantizationNoiseDecibels,
            "worst_block_mse": statistics.perBlockMeanSquaredError.max() ?? 0,
            "bits_per_param": quantized.tensor.bitsPerParameter,
            "code_bytes": Double(quantized.tensor.storedBuffers.first?.bytes ?? 0),
            "stored_bytes": storedBytes,
            "codebook_bytes": codebookBytes,
            "float32_bytes": float32Bytes,
            "saving_percent": 100 * (1 - storedBytes / float32Bytes),
            "levels": Double(quantized.levels.count),
            "distinct_codes": Double(usage.count),
            "code_entropy_bits": entropy,
            "absmax": Double(original.scalars.reduce(0) { max($0, abs($1)) }),
            "scale": Double(quantized.scale),
            "minimum": Double(quantized.minimum),
        ]
        let outputs = QuantizeOutputs(
            original: original, reconstructed: reconstructed, quantized: quantized, kind: kind, blocksize: blocksize,
            results: results, usage: usage)
        return SectionResult(outputs: outputs.all, results: results)
    }
}

extension QuantizeSection {
    /// One quantizer's result seen the same way whatever the kind: codes, levels, scales.
    struct Quantized {
        var tensor: any QuantizedTensor
        /// The code of every weight, as an integer.
        var codes: [Int]
        /// The smallest and largest code a weight can get.
        var codeRange: ClosedRange<Int>
        /// The values the codes stand for in the block with the largest scale, sorted.
        var levels: [Float]
        var blocks: Int
        var scale: Float
        var minimum: Float

        init(_ original: Tensor, kind: QuantizerKind, blocksize: Int, doubleQuantization: Bool) throws {
            switch kind {
            case .minmax4:
                let minMax = try MinMax4BitQuantized(quantizing: original)
                tensor = minMax
                codes = minMax.codes.map(Int.init)
                codeRange = 0...(MinMax4BitQuantized.levelCount - 1)
                levels = (0..<MinMax4BitQuantized.levelCount).map { Float($0) * minMax.scale + minMax.minimum }
                blocks = 1
                scale = minMax.scale
                minimum = minMax.minimum
            case .int8, .int4:
                let bits = kind == .int8 ? 8 : 4
                let integer = try AbsmaxIntegerQuantized(quantizing: original, bits: bits, blocksize: blocksize)
                let largest = AbsmaxIntegerQuantized.largestCode(bits: bits)
                tensor = integer
                codes = integer.codes.map(Int.init)
                codeRange = -largest...largest
                let largestScale = integer.scales.max() ?? 0
                scale = largestScale
                levels = (-largest...largest).map { Float($0) * largestScale }
                blocks = integer.scales.count
                minimum = 0
            case .nf4, .fp4:
                let type: FourBitType = kind == .nf4 ? .nf4 : .fp4
                let fourBit = try FourBitQuantized(quantizing: original, type: type, blocksize: blocksize, doubleQuantization: doubleQuantization)
                tensor = fourBit
                codes = fourBit.codes().map(Int.init)
                codeRange = 0...15
                let largestAbsmax = fourBit.absmax.max() ?? 0
                scale = largestAbsmax
                levels = type.codebook.map { $0 * largestAbsmax }.sorted()
                blocks = fourBit.absmax.count
                minimum = 0
            }
        }

        /// How many weights got each code.
        var codeUsage: [Int: Int] {
            codes.reduce(into: [:]) { counts, code in counts[code, default: 0] += 1 }
        }

        /// The entropy of a code usage in bits: 4 when all sixteen 4-bit codes are used equally.
        ///
        /// Summed in code order: a dictionary's order differs from one instance to the next, and a
        /// floating-point sum taken in another order can differ in the last bit.
        static func entropyBits(of usage: [Int: Int]) -> Double {
            let total = Double(max(usage.values.reduce(0, +), 1))
            return usage.sorted { $0.key < $1.key }.reduce(0.0) { sum, entry in
                let share = Double(entry.value) / total
                return sum - share * log2(share)
            }
        }
    }
}
