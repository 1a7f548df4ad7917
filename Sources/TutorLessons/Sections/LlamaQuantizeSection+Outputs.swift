import QLoRAEngine

/// What the `llama-quantize` section shows, built from one comparison and its results.
struct LlamaQuantizeOutputs {
    var comparison: QuantizedLlamaComparison
    /// What the scored text is, for titles.
    var text: String
    var results: [LlamaQuantizeSection.ResultKey: Double]

    /// The output `key` names, built on its own.
    func build(_ key: LlamaQuantizeSection.OutputKey) -> [Output] {
        switch key {
        case .table: [table]
        case .increase: [increase]
        }
    }

    private func value(_ key: LlamaQuantizeSection.ResultKey) -> Double { results[key] ?? .nan }

    private var settingsLabel: String {
        let doubleQuantized = comparison.settings.doubleQuantization ? ", NF4/FP4 double quantized" : ""
        return "blocks of \(comparison.settings.blocksize)\(doubleQuantized)"
    }

    private var table: Output {
        var rows = [[
            "float32", NumberFormat.decimal(comparison.float.bitsPerParameter, digits: 3),
            NumberFormat.scientific(comparison.float.weightMeanSquaredError), "", NumberFormat.decimal(value(.loss(.float32))),
            NumberFormat.decimal(value(.perplexity(.float32))), "",
        ]]
        for format in LlamaQuantizeSection.comparedFormats {
            rows.append([
                format.rawValue, NumberFormat.decimal(value(.bitsPerParameter(format)), digits: 3),
                NumberFormat.scientific(value(.weightMeanSquaredError(format))),
                NumberFormat.decimal(value(.codeEntropyBits(format)), digits: 3), NumberFormat.decimal(value(.loss(format))),
                NumberFormat.decimal(value(.perplexity(format))), "+" + NumberFormat.decimal(value(.lossIncrease(format))),
            ])
        }
        return .table(OutputTable(
            title: "Tiny Llama, \(NumberFormat.count(Int(value(.tokens)))) tokens of \(text), loss in nats, \(settingsLabel)",
            headers: ["linears", "bits/weight", "weight MSE", "code bits", "loss", "perplexity", "increase"],
            alignments: [.left, .right, .right, .right, .right, .right, .right], rows: rows))
    }

    /// The loss increase of each type as a bar of eighth blocks, the largest filling the width.
    private var increase: Output {
        let width = 32
        let increases = LlamaQuantizeSection.comparedFormats.map { ($0, value(.lossIncrease($0))) }
        let largest = increases.map { max($0.1, 0) }.max() ?? 0
        let rows = increases.map { format, increase in
            [format.rawValue, Self.bar(largest > 0 ? max(increase, 0) / largest : 0, width: width), "+" + NumberFormat.decimal(increase)]
        }
        return .table(OutputTable(
            title: "Held-out loss above float, \(settingsLabel)", headers: ["linears", "increase", "nats"],
            alignments: [.left, .left, .right], rows: rows))
    }

    /// A bar `fraction` of `width` cells long, drawn in eighths of a cell.
    static func bar(_ fraction: Double, width: Int) -> String {
        let eighths = Int((min(max(fraction, 0), 1) * Double(width * 8)).rounded())
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"][eighths % 8]
        return String(repeating: "█", count: eighths / 8) + partial
    }
}
