import Foundation
import Testing
@testable import QLoRAEngine

/// Every part's backward against finite differences of the loss: each tensor's gradient flows
/// through a different part (the embedding's through all of them, q and k's through rotary and
/// attention, gate and up's through SwiGLU, the norms' through RMSNorm, the head's through the loss).
@Suite struct LlamaGradientCheckTests {
    static func configuration(tied: Bool) -> LlamaConfiguration {
        LlamaConfiguration(
            vocabularySize: 32, hiddenSize: 16, intermediateSize: 24, layerCount: 2, attentionHeadCount: 4,
            keyValueHeadCount: 2, maxPositionEmbeddings: 16, ropeTheta: 100, tieWordEmbeddings: tied, initializerRange: 0.3)
    }

    static let tokens = [[3, 17, 5, 9, 30, 1, 7], [12, 0, 22, 22, 4, 31, 8]]

    /// The loss of a model made from `tensors` (and `adapters`, if any).
    static func loss(
        _ configuration: LlamaConfiguration, _ tensors: [String: Tensor], adapters: [String: Tensor]?,
        settings: LlamaLoRASettings
    ) throws -> Float {
        var model = try LlamaModel(configuration: configuration, tensors: tensors)
        if let adapters { try model.loadAdapters(adapters, settings: settings) }
        let workspace = try LlamaWorkspace(for: model, batchSize: 2, sequenceLength: 7)
        return try model.loss(LlamaBatch(tokens, for: configuration), workspace: workspace)
    }

    /// Central differences at the three largest entries of each gradient.
    static func check(
        _ configuration: LlamaConfiguration, tensors: [String: Tensor], adapters: [String: Tensor]?,
        settings: LlamaLoRASettings, gradients: [String: Tensor]
    ) throws {
        let step: Float = 1e-2
        for (name, gradient) in gradients.sorted(by: { $0.key < $1.key }) {
            let largest = gradient.scalars.indices.sorted { abs(gradient.scalars[$0]) > abs(gradient.scalars[$1]) }.prefix(3)
            for index in largest {
                func shifted(_ delta: Float) throws -> Float {
                    var tensors = tensors, adapters = adapters
                    if adapters?[name] != nil { adapters![name]!.scalars[index] += delta } else { tensors[name]!.scalars[index] += delta }
                    return try loss(configuration, tensors, adapters: adapters, settings: settings)
                }
                let numeric = (try shifted(step) - shifted(-step)) / (2 * step)
                let analytic = gradient.scalars[index]
                #expect(abs(numeric - analytic) <= 2e-2 * abs(analytic) + 2e-4, "\(name)[\(index)]: \(numeric) vs \(analytic)")
            }
        }
    }

    @Test(arguments: [false, true])
    func everyTensorsGradientMatchesFiniteDifferences(tied: Bool) throws {
        let configuration = Self.configuration(tied: tied)
        let model = try LlamaModel(configuration: configuration, seed: 4)
        let workspace = try LlamaWorkspace(for: model, batchSize: 2, sequenceLength: 7, training: .full)
        _ = try model.lossAndGradients(LlamaBatch(Self.tokens, for: configuration), workspace: workspace)
        let gradients = workspace.gradients()
        #expect(Set(gradients.keys) == Set(model.tensorNames))
        try Self.check(configuration, tensors: model.namedTensors(), adapters: nil, settings: .init(lora: .init()), gradients: gradients)
    }

    @Test func rankStabilizedAdapterGradientsMatchFiniteDifferences() throws {
        let configuration = Self.configuration(tied: false)
        var model = try LlamaModel(configuration: configuration, seed: 4)
        let settings = LlamaLoRASettings(lora: .init(rank: 2, alpha: 3, rankStabilized: true), targets: [.key, .up, .down])
        try model.addAdapters(settings, seed: 8)
        // Nonzero B, so that A gets a gradient too: drawn in name order, the same every run (a
        // dictionary's order changes from process to process).
        var adapters = model.adapterTensors()
        var generator = SeededGenerator(seed: 2)
        for name in adapters.keys.sorted() where name.contains("lora_B") {
            adapters[name] = Tensor.normal(rows: adapters[name]!.rows, columns: 2, standardDeviation: 0.3, using: &generator)
        }
        try model.loadAdapters(adapters, settings: settings)
        let workspace = try LlamaWorkspace(for: model, batchSize: 2, sequenceLength: 7, training: .adapters)
        _ = try model.lossAndGradients(LlamaBatch(Self.tokens, for: configuration), workspace: workspace)
        let gradients = workspace.gradients()
        #expect(Set(gradients.keys) == Set(adapters.keys))
        try Self.check(configuration, tensors: model.namedTensors(), adapters: adapters, settings: settings, gradients: gradients)
    }
}
