import Foundation
import Testing
@testable import QLoRAEngine

/// peft's `adapter_config.json` and `adapter_model.safetensors`, read, attached and written back.
@Suite struct PeftAdapterTests {
    static let model = LlamaFixture.configuration

    @Test func readsTheAdapterPeftSavedAndGivesPeftsLoss() throws {
        let fixture = try LlamaFixture()
        let adapter = try PeftAdapter(folder: LlamaFilesFixture.path("adapter"), for: Self.model)
        #expect(adapter.settings == LlamaFixture.adapterSettings && adapter.settings.lora.scaling == 2)
        #expect(adapter.parameterCount == fixture.expected.trainable_params)
        var model = try fixture.model()
        try model.load(adapter)
        let workspace = try LlamaWorkspace(for: model, batchSize: 2, sequenceLength: 24)
        let expected = fixture.expected.loss_lora
        #expect(abs(try model.loss(fixture.batch(), workspace: workspace) - expected) <= 1e-5 * expected)
    }

    @Test func roundTripsWithPeftsNamesAndKeys() throws {
        let model = try LlamaFixture().adaptedModel()
        let adapter = try #require(PeftAdapter(of: model, baseModelNameOrPath: "tiny-llama"))
        #expect(adapter.configuration.targetModules == .allLinear)
        let folder = try LlamaFilesFixture.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try adapter.write(folder: folder)
        let reread = try PeftAdapter(folder: folder, for: Self.model)
        #expect(reread.tensors == model.adapterTensors() && reread.configuration == adapter.configuration)
        let written = try SafetensorsFile(path: LlamaModel.path(folder, PeftAdapter.weightsFileName))
        let original = try SafetensorsFile(path: LlamaFilesFixture.path("adapter", "adapter_model.safetensors"))
        #expect(written.names == original.names && written.metadata == ["format": "pt"])
        let keys = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: LlamaModel.path(folder, PeftAdapter.configFileName)))) as? [String: Any]
        let peftKeys = try JSONSerialization.jsonObject(with: LlamaFilesFixture.bytes("adapter", "adapter_config.json")) as? [String: Any]
        let writtenKeys = Set(keys.map { Array($0.keys) } ?? [])
        #expect(!writtenKeys.isEmpty && writtenKeys.isSubset(of: Set(peftKeys.map { Array($0.keys) } ?? [])))
        #expect(keys?["r"] as? Int == 4 && keys?["lora_alpha"] as? Int == 8 && keys?["target_modules"] as? String == "all-linear")
        #expect(keys?["peft_type"] as? String == "LORA" && keys?["task_type"] as? String == "CAUSAL_LM")
        #expect(keys?["base_model_name_or_path"] as? String == "tiny-llama")
    }

    @Test(arguments: [
        (PeftAdapterConfiguration.TargetModules.names(["q_proj", "v_proj"]), [LlamaProjection.query, .value]),
        (.names(["self_attn.o_proj"]), [.output]),
        (.pattern(#"model\.layers\.\d+\.mlp\..*"#), [.gate, .up, .down]),
        (.allLinear, LlamaProjection.allCases),
    ])
    func targetsModulesByPeftsRules(targets: PeftAdapterConfiguration.TargetModules, expected: [LlamaProjection]) throws {
        let configuration = PeftAdapterConfiguration(lora: .init(rank: 2), targetModules: targets)
        #expect(try configuration.settings(for: Self.model, source: "adapter_config.json").targets == expected)
    }

    @Test(arguments: [
        (PeftAdapterConfiguration.TargetModules.pattern("q_proj"), "target_modules matches no module of the model"),  // peft's re.fullmatch
        (.pattern(#"model\.layers\.1\..*"#), "target_modules picks q_proj in 1 of 2 layers; expected every layer or none"),
        (.names(["c_attn"]), "target_modules names 'c_attn', which the model does not have"),
    ])
    func refusesTargetsTheModelCannotTake(targets: PeftAdapterConfiguration.TargetModules, message: String) {
        let configuration = PeftAdapterConfiguration(lora: .init(rank: 2), targetModules: targets)
        #expect {
            try configuration.settings(for: Self.model, source: "adapter_config.json")
        } throws: { error in
            (error as? InputError)?.message.hasPrefix(message) == true
        }
    }

    static func refusal(_ edit: @escaping (String, Data) throws -> Data) throws -> InputError? {
        let folder = try LlamaFilesFixture.copy(of: "adapter", edit: edit)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            _ = try PeftAdapter(folder: folder, for: Self.model)
            return nil
        } catch let error as InputError {
            return error
        }
    }

    @Test func refusesAnAdapterForAnotherRank() throws {
        let error = try Self.refusal { name, bytes in
            name == "adapter_config.json" ? LlamaFilesFixture.replacing(#""r": 4"#, with: #""r": 8"#, in: bytes) : bytes
        }
        #expect(error?.message.hasPrefix("tensor 'base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight' has shape [4, 64]; expected [8, 64]") == true)
    }

    @Test func refusesAnAdapterForAnotherWidth() throws {
        var wider = Self.model
        wider.intermediateSize = 256
        #expect {
            try PeftAdapter(folder: LlamaFilesFixture.path("adapter"), for: wider)
        } throws: { error in
            (error as? InputError)?.message.hasSuffix("lora_B.weight' has shape [128, 4]; expected [256, 4] (r 4 in adapter_config.json, the model's 256 x 64 linear)") == true
        }
    }

    @Test func refusesModulesTheModelLacks() throws {
        let error = try Self.refusal { name, bytes in
            name == "adapter_config.json" ? LlamaFilesFixture.replacing(#""gate_proj""#, with: #""c_attn""#, in: bytes) : bytes
        }
        #expect(error?.message.hasPrefix("target_modules names 'c_attn', which the model does not have") == true)
    }

    @Test func refusesALayerTheModelLacks() throws {
        var shallow = Self.model
        shallow.layerCount = 1
        #expect {
            try PeftAdapter(folder: LlamaFilesFixture.path("adapter"), for: shallow)
        } throws: { error in
            (error as? InputError)?.message.hasPrefix("holds 'base_model.model.model.layers.1.") == true
        }
    }

    @Test(arguments: [
        (#""use_dora": false"#, #""use_dora": true"#, "use_dora is true; expected false"),
        (#""peft_type": "LORA""#, #""peft_type": "IA3""#, "peft_type is 'IA3'; expected 'LORA'"),
        (#""bias": "none""#, #""bias": "all""#, #"bias is "all"; expected "none""#),
    ])
    func refusesSettingsTheEngineDoesNotCompute(old: String, new: String, message: String) throws {
        let error = try Self.refusal { name, bytes in
            name == "adapter_config.json" ? LlamaFilesFixture.replacing(old, with: new, in: bytes) : bytes
        }
        #expect(error?.message.hasPrefix(message) == true)
    }
}
