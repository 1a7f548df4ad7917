import QLoRAEngine

/// What the `llama-merge` section shows, built from one run and its results.
struct LlamaMergeOutputs {
    var merge: LlamaAdapterMerge
    var results: [LlamaMergeSection.ResultKey: Double]

    /// The output `key` names, built on its own.
    func build(_ key: LlamaMergeSection.OutputKey) -> [Output] {
        switch key {
        case .table: [table]
        case .training: [training]
        }
    }

    private func loss(_ version: LlamaAdapterMerge.Version, _ text: String) -> String {
        NumberFormat.decimal(results[.loss(version, text: text)] ?? .nan, digits: 5)
    }

    private var table: Output {
        let row = { (label: String, version: LlamaAdapterMerge.Version) in
            [label] + LlamaMergeSection.heldOutTexts.map { loss(version, $0.key) }
        }
        let change = { (label: String, before: LlamaAdapterMerge.Version, after: LlamaAdapterMerge.Version) in
            [label] + LlamaMergeSection.heldOutTexts.map { text in
                let difference = (results[.loss(after, text: text.key)] ?? .nan) - (results[.loss(before, text: text.key)] ?? .nan)
                return (difference >= 0 ? "+" : "") + NumberFormat.scientific(difference)
            }
        }
        let rows = [
            row("float base", .floatBase),
            row("NF4 base (training starts here)", .quantizedBase),
            row("NF4 base + adapter, as trained", .quantizedWithAdapter),
            row("  merged into NF4, re-quantized", .mergedQuantized),
            change("  change from merging", .quantizedWithAdapter, .mergedQuantized),
            row("float base + adapter, unmerged", .floatWithAdapter),
            row("  merged into float", .mergedFloat),
            change("  change from merging", .floatWithAdapter, .mergedFloat),
        ]
        let settings = merge.settings
        return .table(OutputTable(
            title: "Held-out loss (nats per token) after \(settings.steps) QLoRA steps on the lessons' prose, r = \(settings.lora.rank), alpha = \(NumberFormat.decimal(Double(settings.lora.alpha)))",
            headers: ["model"] + LlamaMergeSection.heldOutTexts.map(\.label),
            alignments: [.left] + LlamaMergeSection.heldOutTexts.map { _ in .right }, rows: rows))
    }

    private var training: Output {
        .series(Series(
            title: "QLoRA training loss on the lessons' prose", xLabel: "step", yLabel: "loss",
            lines: [Series.Line(name: "NF4 base + adapter", values: merge.trainingLosses)]))
    }
}
