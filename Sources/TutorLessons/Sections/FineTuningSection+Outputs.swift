import QLoRAEngine

extension FineTuningSection {
    /// The output `key` names, from a finished comparison whose runs are `variants`.
    static func output(_ key: OutputKey, comparison: LlamaFineTuningComparison, variants: [Variant]) -> Output {
        let settings = comparison.settings
        let labelled = zip(variants, comparison.results).map { (label: label($0, $1.run), result: $1) }
        switch key {
        case .curves:
            return .series(curves(zip(variants, comparison.results).map { ($0, $1.losses) }, runs: settings.runs))
        case .table:
            let lora = comparison.result(for: .lora)?.medianStepDuration
            var headers = ["run", "trains", "prose", "→ after", "Swift", "→ after", "ms/step"]
            if lora != nil { headers.append("vs lora") }
            return .table(OutputTable(
                title: "Held-out loss before → after \(settings.steps) steps of \(settings.batchSize) x \(settings.sequenceLength) bytes (nats/byte)",
                headers: headers, alignments: [.left] + Array(repeating: .right, count: headers.count - 1),
                rows: labelled.map { label, result in
                    let time = TrainingSection.seconds(result.medianStepDuration)
                    var row = [
                        label, NumberFormat.count(result.trainableParameters),
                        NumberFormat.decimal(result.heldOutBefore.loss), NumberFormat.decimal(result.heldOutAfter.loss),
                        NumberFormat.decimal(result.pretrainingBefore.loss), NumberFormat.decimal(result.pretrainingAfter.loss),
                        NumberFormat.decimal(1000 * time, digits: 1),
                    ]
                    if let lora {
                        let ratio = lora > .zero ? time / TrainingSection.seconds(lora) : .nan
                        row.append(ratio.isFinite ? NumberFormat.decimal(ratio, digits: 2) + "x" : "-")
                    }
                    return row
                }))
        case .samples:
            func text(_ tokens: [Int]?) -> String {
                // A byte-level model may write a byte that starts or ends no character: shown as \xNN.
                (prompt + String(escapingInvalidUTF8: (tokens ?? []).map { UInt8(truncatingIfNeeded: $0) })).escapingControlCharacters
            }
            return .table(OutputTable(
                title: "\(sampleLength) bytes after \"\(prompt)\", temperature \(NumberFormat.compact(settings.sampling?.temperature ?? 0)), one seed for all",
                headers: ["model", "text"], alignments: [.left, .left],
                rows: [["base", text(comparison.baseSample)]] + labelled.map { [$0.label, text($0.result.sample)] }))
        }
    }

    /// Each run's losses as a line, smoothed over `smoothingWindow` steps.
    static func curves(_ losses: [(variant: Variant, losses: [Float])], runs: [LlamaFineTuningComparison.Run]) -> Series {
        Series(
            title: "Training loss on the prose, running mean of \(smoothingWindow) steps", xLabel: "step", yLabel: "loss",
            lines: zip(losses, runs).map { line, run in
                Series.Line(name: label(line.variant, run), values: TrainingSection.runningMean(line.losses, window: smoothingWindow))
            })
    }

    /// How a run is named in tables and legends: the method, or its adapters' targets and rank.
    static func label(_ variant: Variant, _ run: LlamaFineTuningComparison.Run) -> String {
        let rank = run.adapters?.lora.rank ?? 0
        return switch variant {
        case .method(let method): method.rawValue
        case .queryValue: "q_proj,v_proj r\(rank)"
        case .allLinear, .rank: "all-linear r\(rank)"
        }
    }
}
