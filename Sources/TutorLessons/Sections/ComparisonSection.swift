import QLoRAEngine

/// The `compare` section: one seeded matrix quantized several ways, side by side.
///
/// `versus: types` sets absmax int4, FP4 and NF4 against each other at one blocksize, their error
/// heatmaps on one shared colour scale; `versus: blocksizes` runs one type at every blocksize
/// bitsandbytes accepts; `versus: double-quant` quantizes with and without double quantization.
/// A run makes only the comparisons its block shows or reads results of.
public struct ComparisonSection: LessonSection {
    public init() {}

    public let name = "compare"
    public let summary = "One matrix quantized several ways: int4 / FP4 / NF4, every blocksize, or with and without double quantization."

    /// The types `versus: types` compares, in the order they are shown.
    static let comparedTypes: [QuantizeSection.QuantizerKind] = [.int4, .fp4, .nf4]

    public var parameters: [ParameterSpec] {
        MatrixParameters.specs + [
            ParameterSpec(
                name: "versus", summary: "`types`, `blocksizes` or `double-quant`: which comparison the table shows.",
                domain: .choices(Comparison.allCases.map(\.rawValue)), defaultValue: .word("types")),
            ParameterSpec(
                name: "type", summary: "The type `blocksizes` and `double-quant` use: `int4`, `fp4` or `nf4`.",
                domain: .choices(Self.comparedTypes.map(\.rawValue)), defaultValue: .word("nf4")),
            ParameterSpec(
                name: "blocksize", summary: "Values per absmax block for `types` and `double-quant`.",
                domain: .numbers(FourBitQuantized.supportedBlocksizes.map(Double.init)), defaultValue: .number(64)),
        ]
    }

    public func run(
        _ parameters: ParameterValues, request: SectionRequest<Self>, progress: (SectionProgress) -> Void, isCancelled: () -> Bool
    ) throws -> SectionRun<Self> {
        let original = try MatrixParameters.matrix(parameters)
        let blocksize = try parameters.integer("blocksize")
        let chosen = try parameters.choice("type", as: QuantizeSection.QuantizerKind.self)
        let versus = try parameters.choice("versus", as: Comparison.self)
        let matrix = "\(original.rows) x \(original.columns) \(try parameters.word("matrix.init")) weights"
        let wanted = Set(request.results.map(\.comparison)).union(request.wants(.table) ? [versus] : [])
        var run = SectionRun<Self>()

        /// One quantization and its error, checking for cancellation first: the unit of work.
        func quantize(_ kind: QuantizeSection.QuantizerKind, blocksize: Int, doubleQuantization: Bool = false) throws
            -> (quantized: QuantizeSection.Quantized, reconstructed: Tensor, error: ErrorStatistics) {
            try checkCancellation(isCancelled)
            let quantized = try QuantizeSection.Quantized(original, kind: kind, blocksize: blocksize, doubleQuantization: doubleQuantization)
            let reconstructed = quantized.tensor.dequantized()
            return (quantized, reconstructed, ErrorStatistics(original: original, reconstructed: reconstructed))
        }

        if wanted.contains(.types) || request.wants(.heatmaps) {
            var rows: [[String]] = []
            var errors: [(title: String, values: [Float])] = []
            for kind in Self.comparedTypes {
                let (quantized, reconstructed, error) = try quantize(kind, blocksize: blocksize)
                let entropy = CodeUsage(counts: quantized.codeUsage).entropyBits
                run.results[.mse(kind)] = error.meanSquaredError
                run.results[.sqnrDecibels(kind)] = error.signalToQuantizationNoiseDecibels
                run.results[.codeEntropyBits(kind)] = entropy
                rows.append([
                    kind.rawValue, NumberFormat.significant(error.meanSquaredError),
                    NumberFormat.significant(error.signalToQuantizationNoiseDecibels),
                    NumberFormat.significant(quantized.tensor.bitsPerParameter), NumberFormat.significant(entropy),
                ])
                errors.append(("\(kind.rawValue) error", zip(reconstructed.scalars, original.scalars).map { $0 - $1 }))
            }
            if versus == .types {
                run.outputs[.table] = [.table(OutputTable(
                    title: "Blocks of \(blocksize) on \(matrix)",
                    headers: ["type", "MSE", "SQNR (dB)", "bits per weight", "code entropy (bits)"],
                    alignments: [.left, .right, .right, .right, .right], rows: rows))]
            }
            if request.wants(.heatmaps) {
                let limit = errors.flatMap(\.values).reduce(0) { max($0, abs($1)) }
                run.outputs[.heatmaps] = [.heatmaps(errors.map {
                    Heatmap(title: $0.title, rows: original.rows, columns: original.columns, values: $0.values, scale: .signed(limit: limit))
                })]
            }
        }

        if wanted.contains(.blocksizes) {
            var rows: [[String]] = []
            for size in FourBitQuantized.supportedBlocksizes {
                let (quantized, _, error) = try quantize(chosen, blocksize: size)
                let bits = quantized.tensor.bitsPerParameter
                run.results[.bitsPerParameterAtBlocksize(size)] = bits
                run.results[.mseAtBlocksize(size)] = error.meanSquaredError
                rows.append([
                    "\(size)", NumberFormat.significant(bits), NumberFormat.significant(bits - 4),
                    NumberFormat.significant(error.meanSquaredError), NumberFormat.significant(error.signalToQuantizationNoiseDecibels),
                ])
            }
            if versus == .blocksizes {
                run.outputs[.table] = [.table(OutputTable(
                    title: "\(chosen.rawValue) on \(matrix), every blocksize",
                    headers: ["blocksize", "bits per weight", "of which absmax", "MSE", "SQNR (dB)"],
                    alignments: [.right, .right, .right, .right, .right], rows: rows))]
            }
        }

        if wanted.contains(.doubleQuantization) {
            let single = try quantize(chosen, blocksize: blocksize)
            let double = try quantize(chosen, blocksize: blocksize, doubleQuantization: true)
            let changed = zip(single.quantized.codes, double.quantized.codes).filter { $0 != $1 }.count
            let increase = 100 * (double.error.meanSquaredError / max(single.error.meanSquaredError, .leastNormalMagnitude) - 1)
            let changedPercent = 100 * Double(changed) / Double(max(original.count, 1))
            run.results[.mseWithoutDoubleQuantization] = single.error.meanSquaredError
            run.results[.mseWithDoubleQuantization] = double.error.meanSquaredError
            run.results[.mseIncreasePercent] = increase
            run.results[.codesChangedPercent] = changedPercent
            run.results[.bitsPerParameterWithoutDoubleQuantization] = single.quantized.tensor.bitsPerParameter
            run.results[.bitsPerParameterWithDoubleQuantization] = double.quantized.tensor.bitsPerParameter
            if versus == .doubleQuantization {
                let row = { (label: String, run: (quantized: QuantizeSection.Quantized, reconstructed: Tensor, error: ErrorStatistics)) in
                    [label, NumberFormat.significant(run.quantized.tensor.bitsPerParameter), NumberFormat.significant(run.error.meanSquaredError),
                     NumberFormat.significant(run.error.signalToQuantizationNoiseDecibels)]
                }
                run.outputs[.table] = [.table(OutputTable(
                    title: "\(chosen.rawValue), blocks of \(blocksize), on \(matrix)",
                    headers: ["absmax stored as", "bits per weight", "MSE", "SQNR (dB)"],
                    alignments: [.left, .right, .right, .right],
                    rows: [
                        row("float32", single), row("8-bit (double quantization)", double),
                        ["change", "", "+" + NumberFormat.significant(increase) + "%",
                         "codes changed: " + NumberFormat.significant(changedPercent) + "%"],
                    ]))]
            }
        }
        return run
    }
}
