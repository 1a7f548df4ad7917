import Foundation

/// The parameters of a block that trains LoRA adapters on the shipped tiny Llama (`llama-merge`,
/// `lora-init`): the adapters' rank and alpha, the AdamW steps on the lessons' prose, and the seed.
enum LlamaAdapterParameters {
    /// What a block's parameters set.
    struct Values {
        var rank: Int
        var alpha: Float
        var steps: Int
        var seed: UInt64
    }

    /// The specs of `rank`, `alpha`, `steps` and `seed`; `alpha` says what alpha scales, and
    /// `steps` may start at `fewestSteps`.
    static func specs(alpha alphaSummary: String, fewestSteps: Double, defaultSteps: Double) -> [ParameterSpec] {
        let powersOfTwo = { (upTo: Int) in ParameterDomain.numbers((0...upTo).map { pow(2, Double($0)) }) }
        return [
            ParameterSpec(name: "rank", summary: "The adapters' rank r (every decoder linear is adapted).", domain: powersOfTwo(6), defaultValue: .number(8)),
            ParameterSpec(name: "alpha", summary: alphaSummary, domain: powersOfTwo(7), defaultValue: .number(16)),
            ParameterSpec(
                name: "steps", summary: "AdamW steps (lr 2e-3, 4 windows of 64 tokens each) on the lessons' prose.",
                domain: .range(fewestSteps...50, step: 1), defaultValue: .number(defaultSteps)),
            ParameterSpec(name: "seed", summary: "Seeds the adapters' A and the batches.", domain: .range(0...99, step: 1), defaultValue: .number(0)),
        ]
    }

    /// The values `parameters` give.
    static func values(_ parameters: ParameterValues) throws -> Values {
        Values(
            rank: try parameters.integer("rank"), alpha: Float(try parameters.integer("alpha")),
            steps: try parameters.integer("steps"), seed: UInt64(clamping: try parameters.integer("seed")))
    }
}
