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
            .flag(name: "double_quant", summary: "`true` to quantize the absmax values to 8 bits too (`nf4`, `fp4` only)", defaultValue: false),
        ]
    }

    /// The quantizers `type` can name.
    public enum QuantizerKind: String, CaseIterable, Sendable {
        case minmax4, int8, int4, nf4, fp4
    }

    public func declaredResults(for parameters: ParameterValues) throws -> Set<ResultKey> {
        // The per-tensor scheme has one zero point and no blocks; the block schemes no zero point.
        let kind = try parameters.choice("type", as: QuantizerKind.self)
        return Set(ResultKey.allCases).subtracting(kind == .minmax4 ? [.blocks] : [.minimum])
    }

    public func run(
        _ parameters: ParameterValues, request: SectionRequest<Self>, progress: (SectionProgress) -> Void, isCancelled: () -> Bool
    ) throws -> SectionRun<Self> {
        let original = try MatrixParameters.matrix(parameters)
        let kind = try parameters.choice("type", as: QuantizerKind.self)
        let blocksize = try parameters.integer("blocksize")
        let quantized = try Quantized(original, kind: kind, blocksize: blocksize, doubleQuantization: try parameters.flag("double_quant"))
        try checkCancellation(isCancelled)
        let reconstructed = quantized.tensor.dequantized()
        let statistics = ErrorStatistics(original: original, reconstructed: reconstructed, blocksize: kind == .minmax4 ? nil : blocksize)

        let float32Bytes = Double(original.count * 4)
        let buffers = quantized.tensor.storedBuffers
        let storedBytes = Double(buffers.filter { !$0.isCodebook }.reduce(0) { $0 + $1.bytes })
        let codebookBytes = Double(buffers.filter(\.isCodebook).reduce(0) { $0 + $1.bytes })
        let usage = quantized.codeUsage
        var run = SectionRun<Self>()
        run.results = [
            .count: Double(original.count),
            .mae: statistics.meanAbsoluteError,
            .mse: statistics.meanSquaredError,
            .rmse: statistics.rootMeanSquaredError,
            .maxError: statistics.maximumAbsoluteError,
            .sqnrDecibels: statistics.signalToQuantizationNoiseDecibels,
            .worstBlockMSE: statistics.perBlockMeanSquaredError.max() ?? 0,
            .bitsPerParameter: quantized.tensor.bitsPerParameter,
            .codeBytes: Double(buffers.first?.bytes ?? 0),
            .storedBytes: storedBytes,
            .codebookBytes: codebookBytes,
            .float32Bytes: float32Bytes,
            .savingPercent: 100 * (1 - storedBytes / float32Bytes),
            .levels: Double(quantized.levels.count),
            .distinctCodes: Double(usage.count),
            .codeEntropyBits: CodeUsage(counts: usage).entropyBits,
            .absmax: Double(original.scalars.reduce(0) { max($0, abs($1)) }),
            .scale: Double(quantized.scale),
            // A symmetric grid always holds zero; min-max puts its levels wherever min and max fall.
            .zeroGap: Double(quantized.levels.map(abs).min() ?? 0),
        ]
        if kind == .minmax4 {
            run.results[.minimum] = Double(quantized.minimum)
        } else {
            run.results[.blocks] = Double(quantized.blocks)
        }
        let outputs = QuantizeOutputs(
            original: original, reconstructed: reconstructed, quantized: quantized, kind: kind, blocksize: blocksize,
            results: run.results, usage: usage)
        for key in request.outputs { run.outputs[key] = outputs.build(key) }
        return run
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
    }
}
