import Foundation
import Testing
@testable import QLoRAEngine

@Suite struct PeftAdapterTests {
    static let model = LlamaConfiguration(
        vocabularySize: 256, hiddenSize: 64, intermediateSize: 128, layerCount: 2, attentionHeadCount: 4,
        keyValueHeadCount: 2, headDimension: 16, maxPositionEmbeddings: 128, rmsNormEpsilon: 1e-5)

    @Test func readsTheAdapterPeftSaved() throws {
        let adapter = try PeftAdapter(folder: LlamaFilesFixture.path("adapter"), for: Self.model)
        #expect(adapter.configuration.lora.rank == 4 && adapter.configuration.lora.alpha == 8)
        #expect(adapter.configuration.lora.scaling == 2 && !adapter.configuration.lora.rankStabilized)
        #expect(adapter.matrices.count == 14 && adapter.parameterCount == 8_192)  // expected.json's trainable_params
        let down = try #require(adapter.matrices["model.layers.1.mlp.down_proj"])
        #expect(down.a.shape == [4, 128] && down.b.shape == [64, 4])
        let file = try SafetensorsFile(path: LlamaFilesFixture.path("adapter", "adapter_model.safetensors"))
        #expect(try down.b == file.array(named: "base_model.model.model.layers.1.mlp.down_proj.lora_B.weight").tensor(source: ""))
    }

    @Test func roundTripsWithPeftsNamesAndKeys() throws {
        let adapter = try PeftAdapter(folder: LlamaFilesFixture.path("adapter"), for: Self.model)
        let folder = try LlamaFilesFixture.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try adapter.write(folder: folder)
        let reread = try PeftAdapter(folder: folder, for: Self.model)
        #expect(reread.matrices == adapter.matrices && reread.configuration == adapter.configuration)
        let written = try SafetensorsFile(path: LlamaCheckpoint.path(folder, PeftAdapter.weightsFileName))
        let original = try SafetensorsFile(path: LlamaFilesFixture.path("adapter", "adapter_model.safetensors"))
        #expect(written.names == original.names)
        let keys = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: LlamaCheckpoint.path(folder, PeftAdapter.configFileName)))) as? [String: Any]
        let peftKeys = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: LlamaFilesFixture.path("adapter", "adapter_config.json")))) as? [String: Any]
        let writtenKeys = Set(keys.map { Array($0.keys) } ?? [])
        #expect(!writtenKeys.isEmpty && writtenKeys.isSubset(of: Set(peftKeys.map { Array($0.keys) } ?? [])))
        #expect(keys?["r"] as? Int == 4 && keys?["peft_type"] as? String == "LORA" && keys?["task_type"] as? String == "CAUSAL_LM")
    }

    @Test(arguments: [
        (PeftAdapterConfiguration.TargetModules.names(["q_proj", "v_proj"]), 4),
        (.names(["self_attn.o_proj"]), 2),
        (.pattern(#"model\.layers\.1\..*_proj"#), 7),
        (.pattern("q_proj"), 0),  // a string must match the whole path, as peft's re.fullmatch does
        (.allLinear, 14),
    ])
    func targetsModulesByPeftsRules(targets: PeftAdapterConfiguration.TargetModules, count: Int) throws {
        let configuration = PeftAdapterConfiguration(lora: .init(rank: 2), targetModules: targets)
        #expect(Self.model.linearModulePaths.filter(configuration.targets).count == count)
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
        let folder = LlamaFilesFixture.path("adapter")
        var wider = Self.model
        wider.intermediateSize = 256
        #expect {
            try PeftAdapter(folder: folder, for: wider)
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
