import QLoRAEngine

/// What the `lora-init` section shows, built from one comparison and its results.
struct LoRAInitOutputs {
    var comparison: LoRAInitializationComparison
    var results: [LoRAInitSection.ResultKey: Double]

    /// The output `key` names, built on its own.
    func build(_ key: LoRAInitSection.OutputKey) -> [Output] {
        switch key {
        case .table: [table]
        case .curves: [curves]
        }
    }

    private func value(_ key: LoRAInitSection.ResultKey) -> Double { results[key] ?? .nan }

    private var table: Output {
        let settings = comparison.settings
        let rows = LoRAInitializationComparison.Recipe.allCases.map { recipe in
            let configuration = recipe.configuration(rank: settings.rank, alpha: settings.alpha)
            let start = recipe == .peft ? "kaiming-uniform" : "randn * 0.01"
            return [
                recipe.rawValue, start, NumberFormat.scientific(value(.aStandardDeviation(recipe))),
                NumberFormat.significant(Double(configuration.scaling), digits: 4),
                NumberFormat.decimal(value(.firstLoss(recipe))), NumberFormat.decimal(value(.lastLoss(recipe))),
                NumberFormat.decimal(value(.gain(recipe))),
            ]
        }
        let base = ["NF4 base", "no adapter", "", "", NumberFormat.decimal(value(.baseFirstLoss)), NumberFormat.decimal(value(.baseLastLoss)), ""]
        return .table(OutputTable(
            title: "\(settings.steps) AdamW steps (lr \(NumberFormat.significant(Double(settings.learningRate)))) over the NF4 tiny Llama, r = \(settings.rank), the same batches",
            headers: ["recipe", "A starts as", "std of A", "scaling", "first loss", "last loss", "below base"],
            alignments: [.left, .left, .right, .right, .right, .right, .right], rows: [base] + rows))
    }

    private var curves: Output {
        .series(Series(
            title: "Loss on each step's batch (before the step's update)", xLabel: "step", yLabel: "loss",
            lines: [Series.Line(name: "NF4 base", values: comparison.baseLosses)]
                + LoRAInitializationComparison.Recipe.allCases.map { Series.Line(name: $0.rawValue, values: comparison.losses[$0] ?? []) }))
    }
}
