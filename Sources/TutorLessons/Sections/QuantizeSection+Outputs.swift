import QLoRAEngine

/// Builds every output the `quantize` section can show from one quantization.
struct QuantizeOutputs {
    var original: Tensor
    var reconstructed: Tensor
    var quantized: QuantizeSection.Quantized
    var kind: QuantizeSection.QuantizerKind
    var blocksize: Int
    var results: [QuantizeSection.ResultKey: Double]
    var usage: [Int: Int]

    /// The output `key` names, built on its own.
    func build(_ key: QuantizeSection.OutputKey) -> [Output] {
        switch key {
        case .constants: [.table(constants)]
        case .stats: [.table(stats)]
        case .heatmap: [.heatmaps(sideBySide)]
        case .error: [.heatmap(errorMap)]
        case .histogram: [.histogram(weightHistogram)]
        case .usage: [.histogram(codeUsage)]
        case .codes: [.table(firstCodes)]
        case .buffers: [.table(buffers)]
        case .memory: [.memory(memory)]
        }
    }

    private var label: String {
        switch kind {
        case .minmax4: "min-max 4-bit"
        case .int8, .int4: "absmax \(kind.rawValue), blocks of \(blocksize)"
        case .nf4, .fp4: "\(kind.rawValue.uppercased()), blocks of \(blocksize)"
        }
    }

    private func number(_ key: QuantizeSection.ResultKey) -> String { NumberFormat.significant(results[key] ?? .nan) }

    private var stats: OutputTable {
        let rows: [[String]] = [
            ["weights", number(.count)],
            ["mean absolute error", number(.mae)],
            ["mean squared error", number(.mse)],
            ["largest error", number(.maxError)],
            ["SQNR (dB)", number(.sqnrDecibels)],
            ["bits per weight", number(.bitsPerParameter)],
            ["stored bytes", number(.storedBytes)],
            ["float32 bytes", number(.float32Bytes)],
            ["saving", number(.savingPercent) + "%"],
            ["codes used", "\(number(.distinctCodes)) of \(number(.levels))"],
        ]
        return OutputTable(title: "Quantization: \(label)", headers: ["measure", "value"], alignments: [.left, .right], rows: rows)
    }

    private var constants: OutputTable {
        var rows: [[String]] = [
            ["smallest weight", original.scalars.min().map { NumberFormat.significant(Double($0)) } ?? "-"],
            ["largest weight", original.scalars.max().map { NumberFormat.significant(Double($0)) } ?? "-"],
        ]
        if kind == .minmax4 {
            rows.append(["zero point (the value of code 0)", number(.minimum)])
            rows.append(["scale (one step)", number(.scale)])
        } else {
            rows.append(["scale of the largest block", number(.scale)])
        }
        rows.append(["codes", "\(quantized.codeRange.lowerBound) ... \(quantized.codeRange.upperBound)"])
        rows.append(["levels", number(.levels)])
        return OutputTable(title: "The grid (\(label))", headers: ["constant", "value"], alignments: [.left, .right], rows: rows)
    }

    /// Where the scale blocks fall on the matrix, when they line up with it.
    private var blockGrid: (rows: Int, columns: Int)? {
        guard kind != .minmax4, original.columns > 0 else { return nil }
        if original.columns % blocksize == 0 { return (1, blocksize) }
        if blocksize % original.columns == 0 { return (blocksize / original.columns, original.columns) }
        return nil
    }

    private var sideBySide: [Heatmap] {
        let limit = max(original.scalars.reduce(0) { max($0, abs($1)) }, reconstructed.scalars.reduce(0) { max($0, abs($1)) })
        return [
            Heatmap(title: "original", rows: original.rows, columns: original.columns, values: original.scalars, scale: .signed(limit: limit), blockGrid: blockGrid),
            Heatmap(title: "reconstructed (\(label))", rows: original.rows, columns: original.columns, values: reconstructed.scalars, scale: .signed(limit: limit), blockGrid: blockGrid),
        ]
    }

    private var errorMap: Heatmap {
        let error = zip(reconstructed.scalars, original.scalars).map { $0 - $1 }
        let limit = error.reduce(0) { max($0, abs($1)) }
        return Heatmap(
            title: "error: reconstructed - original (\(label))", rows: original.rows, columns: original.columns,
            values: error, scale: .signed(limit: limit), blockGrid: blockGrid)
    }

    private var weightHistogram: Histogram {
        let limit = max(original.scalars.reduce(0) { max($0, abs($1)) }, Float.leastNormalMagnitude)
        let binCount = 32
        var counts = [Int](repeating: 0, count: binCount)
        for value in original.scalars {
            let bin = Int(((value + limit) / (2 * limit) * Float(binCount)).rounded(.down))
            counts[min(max(bin, 0), binCount - 1)] += 1
        }
        // Integer levels past 4 bits are too dense to mark.
        let markers = kind == .int8 ? [] : quantized.levels
        return Histogram(title: "weights, with the levels of the largest block marked", range: -limit...limit, counts: counts, markers: markers)
    }

    private var codeUsage: Histogram {
        let range = quantized.codeRange
        let counts = range.map { usage[$0] ?? 0 }
        return Histogram(
            title: "how often each code is used (\(label))", range: Float(range.lowerBound)...Float(range.upperBound + 1), counts: counts)
    }

    private var firstCodes: OutputTable {
        let rows = original.scalars.indices.prefix(8).map { index in
            [
                String(index), NumberFormat.significant(Double(original.scalars[index])), String(quantized.codes[index]),
                NumberFormat.significant(Double(reconstructed.scalars[index])),
                NumberFormat.significant(Double(reconstructed.scalars[index] - original.scalars[index])),
            ]
        }
        return OutputTable(
            title: "The first weights, \(label)", headers: ["#", "original", "code", "reconstructed", "error"],
            alignments: [.right, .right, .right, .right, .right], rows: rows)
    }

    private var buffers: OutputTable {
        let rows = quantized.tensor.storedBuffers.map { buffer in
            [buffer.name, buffer.dtype, String(buffer.count), String(buffer.bytes), buffer.isCodebook ? "codebook" : ""]
        } + [["total", "", "", String(quantized.tensor.storedBytes), ""]]
        return OutputTable(
            title: "What is stored (\(label)); float32 would take \(original.count * 4) bytes",
            headers: ["buffer", "type", "values", "bytes", ""], alignments: [.left, .left, .right, .right, .left], rows: rows)
    }

    private var memory: MemoryBreakdown {
        MemoryBreakdown(
            title: "Stored bytes (\(label)) against \(original.count * 4) bytes of float32",
            parts: quantized.tensor.storedBuffers.map { MemoryBreakdown.Part(name: $0.name, bytes: Double($0.bytes)) },
            capacities: [Double(original.count * 4)])
    }
}
