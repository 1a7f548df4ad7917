import Foundation
import Testing
@testable import QLoRAEngine

/// Input a Llama model cannot use gets an `InputError` naming it.
@Suite struct LlamaInputTests {
    @Test func missingOrMisshapenTensorsAreNamed() throws {
        let fixture = try LlamaFixture()
        var tensors = fixture.tensors
        let name = "model.layers.1.mlp.up_proj.weight"
        tensors[name] = Tensor(shape: [64, 128])
        #expect { try LlamaModel(configuration: LlamaFixture.configuration, tensors: tensors) } throws: { ($0 as? InputError)?.source == name }
        tensors[name] = nil
        #expect { try LlamaModel(configuration: LlamaFixture.configuration, tensors: tensors) } throws: { ($0 as? InputError)?.source == name }
    }

    @Test func badBatchesAreRefused() throws {
        let c = LlamaFixture.configuration
        #expect(throws: InputError.self) { try LlamaBatch([], for: c) }
        #expect(throws: InputError.self) { try LlamaBatch([[1]], for: c) }
        #expect(throws: InputError.self) { try LlamaBatch([[1, 2, 3], [1, 2]], for: c) }
        #expect(throws: InputError.self) { try LlamaBatch([[1, 256]], for: c) }
        #expect(throws: InputError.self) { try LlamaBatch([[1, -1]], for: c) }
        #expect(throws: InputError.self) { try LlamaBatch([Array(repeating: 1, count: 129)], for: c) }
        #expect(try LlamaBatch([Array(repeating: 1, count: 128)], for: c).tokenCount == 128)
    }

    @Test func aBatchLargerThanThePlanIsRefused() throws {
        let model = try LlamaFixture().model()
        let workspace = try LlamaWorkspace(for: model, batchSize: 1, sequenceLength: 4)
        #expect(throws: InputError.self) { try model.loss(LlamaBatch([[1, 2, 3, 4, 5]], for: model.configuration), workspace: workspace) }
        #expect(throws: InputError.self) { try LlamaWorkspace(for: model, batchSize: 1, sequenceLength: 129) }
        #expect(throws: InputError.self) { try model.lossAndGradients(LlamaBatch([[1, 2]], for: model.configuration), workspace: workspace) }
    }

    @Test func impossibleConfigurationsAreNamed() throws {
        var c = LlamaFixture.configuration
        c.keyValueHeadCount = 3
        #expect { try c.validate() } throws: { ($0 as? InputError)?.source == "num_key_value_heads" }
        c = LlamaFixture.configuration
        c.headDimension = 15
        #expect { try LlamaModel(configuration: c, seed: 0) } throws: { ($0 as? InputError)?.source == "head_dim" }
    }

    /// Sizes past the machine, or past Int.max when multiplied out, are refused before anything is
    /// allocated, naming what was asked for: never an overflow trap or a failed allocation.
    @Test func sizesNoMachineHoldsAreRefusedBeforeAllocating() throws {
        var c = LlamaFixture.configuration
        c.hiddenSize = ModelArchitecture.widthLimit
        c.intermediateSize = ModelArchitecture.widthLimit
        c.layerCount = ModelArchitecture.countLimit
        #expect { try LlamaModel(configuration: c, seed: 0) } throws: { ($0 as? InputError)?.source == "model" }
        c.attentionHeadCount = 1 << 32
        #expect { try c.validate() } throws: { ($0 as? InputError)?.source == "num_attention_heads" }
        c.layerCount = Int.max
        #expect(c.checkedParameterCount == nil)
        let model = try LlamaFixture().model()
        for (batch, length) in [(Int.max, 128), (1 << 40, 128)] {
            #expect { try LlamaWorkspace(for: model, batchSize: batch, sequenceLength: length, training: .full) } throws: { error in
                (error as? InputError)?.source == "batch" && (error as? InputError)?.message.hasPrefix("training this model on batches") == true
            }
        }
        var adapted = model
        let settings = try LlamaLoRASettings(lora: .init(rank: Int.max / 2, alpha: 16), targetModules: ["q_proj"])
        #expect { try adapted.addAdapters(settings, seed: 0) } throws: { ($0 as? InputError)?.source == "rank" }
    }

    @Test func aFreshModelIsDrawnAsTransformersDrawsOne() throws {
        let c = LlamaConfiguration(hiddenSize: 64, intermediateSize: 128, layerCount: 2, attentionHeadCount: 4, maxPositionEmbeddings: 32)
        let model = try LlamaModel(configuration: c, seed: 7)
        #expect(try LlamaModel(configuration: c, seed: 7).namedTensors() == model.namedTensors())
        let weights = model.embedding.scalars
        let mean = weights.reduce(0, +) / Float(weights.count)
        let std = (weights.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(weights.count)).squareRoot()
        #expect(abs(std - 0.02) < 0.002 && abs(mean) < 0.002)
        #expect(model.finalNorm.scalars.allSatisfy { $0 == 1 })
        #expect(model.parameterCount == model.namedTensors().values.reduce(0) { $0 + $1.count })
        #expect(Set(model.tensorNames) == Set(model.namedTensors().keys))
        let round = try LlamaModel(configuration: c, tensors: model.namedTensors())
        #expect(round.namedTensors() == model.namedTensors())
    }
}

/// A buffer plan belongs to the model and adapters it was made for.
@Suite struct LlamaWorkspaceTests {
    @Test func aPlanForOtherAdaptersIsRefused() throws {
        var model = try LlamaFixture().model()
        let workspace = try LlamaWorkspace(for: model, batchSize: 1, sequenceLength: 4)
        try model.addAdapters(.init(lora: .init(rank: 2, alpha: 2)), seed: 0)
        #expect { try model.loss(LlamaBatch([[1, 2, 3]], for: model.configuration), workspace: workspace) } throws: {
            ($0 as? InputError)?.source == "workspace"
        }
    }
}
