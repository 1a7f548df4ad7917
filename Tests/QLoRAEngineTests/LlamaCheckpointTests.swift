import Foundation
import Testing
@testable import QLoRAEngine

@Suite struct LlamaCheckpointTests {
    @Test func readsTheConfigTransformersWrote() throws {
        let source = LlamaFilesFixture.path("config.json")
        let configuration = try LlamaConfiguration(configJSON: Data(contentsOf: URL(fileURLWithPath: source)), source: source)
        #expect(configuration == LlamaConfiguration(
            vocabularySize: 256, hiddenSize: 64, intermediateSize: 128, layerCount: 2, attentionHeadCount: 4,
            keyValueHeadCount: 2, headDimension: 16, maxPositionEmbeddings: 128, rmsNormEpsilon: 1e-5, ropeTheta: 10_000))
        #expect(configuration.parameterCount == 115_008 - 8_192)  // expected.json's all_params less the adapter's
    }

    @Test func writesTheKeysTransformersWritesAndReadsThemBack() throws {
        let configuration = LlamaConfiguration(
            hiddenSize: 128, intermediateSize: 344, layerCount: 4, attentionHeadCount: 4, maxPositionEmbeddings: 128,
            ropeTheta: 500_000, tieWordEmbeddings: true)
        let text = String(decoding: configuration.configJSON, as: UTF8.self)
        #expect(text.contains(#""rope_parameters": {\#n    "rope_theta": 500000.0,\#n    "rope_type": "default"\#n  }"#))
        #expect(text.contains(#""rms_norm_eps": 1e-05,"#))
        #expect(text.contains(#""head_dim": 32,"#) && text.contains(#""tie_word_embeddings": true,"#))
        let fixture = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: LlamaFilesFixture.path("config.json")))) as? [String: Any]
        let written = try JSONSerialization.jsonObject(with: configuration.configJSON) as? [String: Any]
        #expect(Set(written.map { Array($0.keys) } ?? []) == Set(fixture.map { Array($0.keys) } ?? []).subtracting(["transformers_version"]))
        #expect(try LlamaConfiguration(configJSON: configuration.configJSON, source: "config.json") == configuration)
    }

    @Test func readsTheRotaryBaseOlderTransformersWrote() throws {
        let json = #"{"model_type": "llama", "vocab_size": 256, "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 1, "num_attention_heads": 2, "rope_theta": 500000.0, "rms_norm_eps": 1e-06}"#
        let configuration = try LlamaConfiguration(configJSON: Data(json.utf8), source: "config.json")
        #expect(configuration.ropeTheta == 500_000 && configuration.keyValueHeadCount == 2 && configuration.headDimension == 16)
        #expect(configuration.maxPositionEmbeddings == 2048 && !configuration.tieWordEmbeddings)
    }

    @Test(arguments: [
        (#""model_type": "llama""#, #""model_type": "gpt2""#, "config.json: model_type is 'gpt2'; expected 'llama'"),
        (#""hidden_size": 64"#, #""hidden_size": "64""#, #"config.json: hidden_size is "64"; expected an integer >= 1"#),
        (#""num_key_value_heads": 2"#, #""num_key_value_heads": 3"#, "config.json: num_attention_heads 4 is not a multiple of num_key_value_heads 3"),
        (#""rope_type": "default""#, #""rope_type": "llama3""#, #"config.json: rope_parameters: rope_type is "llama3"; expected "default""#),
        (#""mlp_bias": false"#, #""mlp_bias": true"#, "config.json: mlp_bias is true; expected false"),
    ])
    func refusesAConfigTheEngineCannotCompute(old: String, new: String, message: String) throws {
        let bytes = LlamaFilesFixture.replacing(old, with: new, in: try Data(contentsOf: URL(fileURLWithPath: LlamaFilesFixture.path("config.json"))))
        #expect {
            try LlamaConfiguration(configJSON: bytes, source: "config.json")
        } throws: { error in
            (error as? InputError)?.description.hasPrefix(message) == true
        }
    }

    @Test func readsTheFolderTransformersSaved() throws {
        let checkpoint = try LlamaCheckpoint(folder: LlamaFilesFixture.folder)
        #expect(checkpoint.linears.count == 14 && checkpoint.tensors.count == 2 * 2 + 3)
        #expect(checkpoint.linears["model.layers.1.self_attn.k_proj.weight"]?.shape == [32, 64])
        #expect(checkpoint.linears.values.allSatisfy { $0.format == .float32 })
        let file = try SafetensorsFile(path: LlamaFilesFixture.path("model.safetensors"))
        #expect(try checkpoint.tensors["lm_head.weight"] == file.array(named: "lm_head.weight").tensor(source: ""))
    }

    @Test func roundTripsBitForBitAndWritesWhatTheReaderExpects() throws {
        let checkpoint = try LlamaCheckpoint(folder: LlamaFilesFixture.folder)
        let folder = try LlamaFilesFixture.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try checkpoint.write(folder: folder)
        let reread = try LlamaCheckpoint(folder: folder)
        #expect(reread.configuration == checkpoint.configuration && reread.tensors == checkpoint.tensors)
        for name in checkpoint.linearNames {
            #expect(reread.linears[name]?.dequantized() == checkpoint.linears[name]?.dequantized())
        }
        let original = try SafetensorsFile(path: LlamaFilesFixture.path("model.safetensors"))
        let written = try SafetensorsFile(path: LlamaCheckpoint.path(folder, "model.safetensors"))
        #expect(written.names == original.names && written.metadata == ["format": "pt"])
    }

    @Test(arguments: [ElementType.float16, .bfloat16])
    func widensSixteenBitWeights(type: ElementType) throws {
        let checkpoint = try LlamaCheckpoint(folder: LlamaFilesFixture.folder)
        let folder = try LlamaFilesFixture.copy(of: nil) { name, bytes in
            guard name == "model.safetensors" else { return bytes }
            let file = try SafetensorsFile(decoding: bytes, source: name)
            var arrays: [String: StoredArray] = [:]
            for name in file.names {
                let values = try file.array(named: name).float32Values(source: name)
                let halves = values.map { value -> UInt16 in
                    type == .float16 ? Float16(value).bitPattern : UInt16(value.bitPattern >> 16)
                }
                arrays[name] = StoredArray(elementType: type, shape: try file.array(named: name).shape, bytes: halves.withUnsafeBytes { Data($0) })
            }
            return SafetensorsFile.encode(arrays)
        }
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let widened = try LlamaCheckpoint(folder: folder)
        let name = "model.embed_tokens.weight"
        let expected = checkpoint.tensors[name]?.scalars.map { type == .float16 ? Float(Float16($0)) : Float(bitPattern: $0.bitPattern & 0xFFFF_0000) }
        #expect(widened.tensors[name]?.scalars == expected)
    }

    @Test func readsTheFourBitCheckpointTransformersSaved() throws {
        let checkpoint = try LlamaCheckpoint(folder: LlamaFilesFixture.path("model-nf4"))
        let float = try LlamaCheckpoint(folder: LlamaFilesFixture.folder)
        #expect(checkpoint.tensors == float.tensors)
        for name in checkpoint.linearNames {
            guard case .fourBit(let weight) = checkpoint.linears[name], let original = float.linears[name]?.dequantized() else {
                Issue.record("\(name) is not a 4-bit base")
                continue
            }
            #expect(weight.type == .nf4 && weight.blocksize == 64)
            // bitsandbytes and the engine quantize the same float32 weight to the same 4-bit codes; the
            // 8-bit codes of the absmax agree to within one step (bitsandbytes' CPU path rounds a few
            // ties of the dynamic map the other way: 3 of 14 weights here, one code each).
            let ours = try FourBitQuantized(quantizing: original, type: .nf4, blocksize: 64, doubleQuantization: true)
            #expect(weight.packed == ours.packed)
            guard case .doubleQuantized(let read) = weight.scales, case .doubleQuantized(let made) = ours.scales else {
                Issue.record("\(name) is not double-quantized")
                continue
            }
            #expect(read.offset == made.offset && read.nestedAbsmax == made.nestedAbsmax)
            #expect(zip(read.codes, made.codes).allSatisfy { abs(Int($0) - Int($1)) <= 1 })
        }
    }

    @Test(arguments: [
        ("model.layers.1.mlp.up_proj.weight", "has no tensor 'model.layers.1.mlp.up_proj.weight'; expected [128, 64]"),
        ("model.norm.weight", "has no tensor 'model.norm.weight'; expected [64]"),
    ])
    func namesAMissingTensor(name: String, message: String) throws {
        let folder = try LlamaFilesFixture.copy(of: nil) { file, bytes in
            guard file == "model.safetensors" else { return bytes }
            let safetensors = try SafetensorsFile(decoding: bytes, source: file)
            var arrays: [String: StoredArray] = [:]
            for other in safetensors.names where other != name { arrays[other] = try safetensors.array(named: other) }
            return SafetensorsFile.encode(arrays)
        }
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect {
            try LlamaCheckpoint(folder: folder)
        } throws: { error in
            (error as? InputError)?.description.hasSuffix("model.safetensors: " + message + " for this config") == true
        }
    }

    @Test func namesAMisshapenTensor() throws {
        let folder = try LlamaFilesFixture.copy(of: nil) { file, bytes in
            file == "config.json" ? LlamaFilesFixture.replacing(#""intermediate_size": 128"#, with: #""intermediate_size": 96"#, in: bytes) : bytes
        }
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect {
            try LlamaCheckpoint(folder: folder)
        } throws: { error in
            (error as? InputError)?.message == "tensor 'model.layers.0.mlp.gate_proj.weight' has shape [128, 64]; expected [96, 64] for this config"
        }
    }
}
