import Foundation
import Testing
@testable import QLoRAEngine

/// The fixture's peft adapter: its loss and the gradients of every A and B against peft's.
@Suite struct LlamaAdapterTests {
    @Test func lossAndGradientsMatchPeft() throws {
        let fixture = try LlamaFixture()
        let model = try fixture.adaptedModel()
        let workspace = try LlamaWorkspace(for: model, batchSize: 2, sequenceLength: 24, training: .adapters)
        let loss = try model.lossAndGradients(fixture.batch(), workspace: workspace)
        #expect(abs(loss - fixture.expected.loss_lora) <= 1e-5 * fixture.expected.loss_lora)
        let expected = try LlamaFixture.tensors("lora_grads.safetensors")
        let gradients = workspace.gradients()
        #expect(Set(gradients.keys) == Set(expected.keys))
        #expect(model.adapterParameterCount == fixture.expected.trainable_params)
        for (name, gradient) in expected.sorted(by: { $0.key < $1.key }) {
            let ours = try #require(gradients[name])
            // Relative 1e-4 for every entry above a hundredth of the tensor's largest; float noise below.
            let scale = gradient.scalars.map(abs).max() ?? 1
            #expect(ours.shape == gradient.shape, "\(name)")
            #expect(llamaClose(ours.scalars, gradient.scalars, relative: 1e-4, floor: 1e-2 * scale), "\(name)")
        }
    }

    @Test func adapterTensorsRoundTripByPeftNames() throws {
        let fixture = try LlamaFixture()
        let model = try fixture.adaptedModel()
        let file = try LlamaFixture.tensors("adapter/adapter_model.safetensors")
        #expect(model.adapterTensors() == file)
        #expect(model.adapterSettings == LlamaFixture.adapterSettings)
    }

    @Test func freshAdaptersChangeNothingUntilTrained() throws {
        let fixture = try LlamaFixture()
        var model = try fixture.model()
        try model.addAdapters(.init(lora: .init(rank: 2, alpha: 4), targets: [.query, .value]), seed: 3)
        let workspace = try LlamaWorkspace(for: model, batchSize: 2, sequenceLength: 24)
        let loss = try model.loss(fixture.batch(), workspace: workspace)
        #expect(abs(loss - fixture.expected.loss) <= 1e-5 * fixture.expected.loss)
        let a = try #require(model.layers[1][.query].adapter?.a)
        let bound = 1 / Float(64).squareRoot()
        #expect(a.scalars.allSatisfy { abs($0) <= bound } && a.scalars.contains { $0 != 0 })
        #expect(model.layers[1][.key].adapter == nil)
    }

    @Test func mergingIntoAFloatBaseKeepsTheLoss() throws {
        let fixture = try LlamaFixture()
        let merged = try fixture.adaptedModel().merged()
        #expect(merged.adapterTensors().isEmpty)
        let workspace = try LlamaWorkspace(for: merged, batchSize: 2, sequenceLength: 24)
        let loss = try merged.loss(fixture.batch(), workspace: workspace)
        #expect(abs(loss - fixture.expected.loss_lora) <= 1e-5 * fixture.expected.loss_lora)
    }

    @Test func badAdaptersAreNamed() throws {
        let fixture = try LlamaFixture()
        var model = try fixture.model()
        var tensors = try LlamaFixture.tensors("adapter/adapter_model.safetensors")
        let name = LlamaModel.adapterName(.up, layer: 1, matrix: .b)
        #expect(throws: InputError.self) { try model.loadAdapters(tensors, settings: .init(lora: .init(rank: 8, alpha: 8))) }
        tensors["base_model.model.model.layers.7.self_attn.q_proj.lora_A.weight"] = Tensor(shape: [4, 64])
        #expect { try model.loadAdapters(tensors, settings: LlamaFixture.adapterSettings) } throws: { error in
            (error as? InputError)?.source == "base_model.model.model.layers.7.self_attn.q_proj.lora_A.weight"
        }
        tensors[name] = nil
        #expect { try model.loadAdapters(tensors, settings: LlamaFixture.adapterSettings) } throws: { error in
            (error as? InputError)?.source == name
        }
        #expect(throws: InputError.self) { try LlamaLoRASettings(lora: .init(), targetModules: ["c_attn"]) }
        #expect(try LlamaLoRASettings(lora: .init(), targetModules: ["all-linear"]).targets == LlamaProjection.allCases)
    }
}
