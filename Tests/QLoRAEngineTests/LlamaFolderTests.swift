import Foundation
import Testing
@testable import QLoRAEngine

/// `config.json` and `model.safetensors` as transformers writes them, and its 4-bit checkpoints.
@Suite struct LlamaFolderTests {
    @Test func readsTheConfigTransformersWrote() throws {
        let configuration = try LlamaConfiguration(configJSON: LlamaFilesFixture.bytes("config.json"), source: "config.json")
        #expect(configuration == LlamaFixture.configuration)
    }

    @Test func writesTheKeysTransformersWritesAndReadsThemBack() throws {
        let configuration = LlamaConfiguration(
            hiddenSize: 128, intermediateSize: 344, layerCount: 4, attentionHeadCount: 4, maxPositionEmbeddings: 128,
            ropeTheta: 500_000, tieWordEmbeddings: true)
        let text = String(decoding: configuration.configJSON, as: UTF8.self)
        #expect(text.contains(#""rope_parameters": {\#n    "rope_theta": 500000.0,\#n    "rope_type": "default"\#n  }"#))
        #expect(text.contains(#""rms_norm_eps": 1e-05,"#))
        #expect(text.contains(#""head_dim": 32,"#) && text.contains(#""tie_word_embeddings": true,"#))
        let fixture = try JSONSerialization.jsonObject(with: LlamaFilesFixture.bytes("config.json")) as? [String: Any]
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
        let bytes = LlamaFilesFixture.replacing(old, with: new, in: try LlamaFilesFixture.bytes("config.json"))
        #expect {
            try LlamaConfiguration(configJSON: bytes, source: "config.json")
        } throws: { error in
            (error as? InputError)?.description.hasPrefix(message) == true
        }
    }

    @Test func readsTheFolderTransformersSavedWithItsLoss() throws {
        let fixture = try LlamaFixture()
        let model = try LlamaModel(folder: LlamaFilesFixture.path())
        #expect(model.namedTensors() == fixture.tensors)
        let workspace = try LlamaWorkspace(for: model, batchSize: 2, sequenceLength: 24)
        #expect(abs(try model.loss(fixture.batch(), workspace: workspace) - fixture.expected.loss) <= 1e-5 * fixture.expected.loss)
    }

    @Test func roundTripsBitForBitWithTransformersNames() throws {
        let model = try LlamaModel(folder: LlamaFilesFixture.path())
        let folder = try LlamaFilesFixture.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try model.write(folder: folder)
        let reread = try LlamaModel(folder: folder)
        #expect(reread.configuration == model.configuration && reread.namedTensors() == model.namedTensors())
        let original = try SafetensorsFile(path: LlamaFilesFixture.path("model.safetensors"))
        let written = try SafetensorsFile(path: LlamaModel.path(folder, "model.safetensors"))
        #expect(written.names == original.names && written.metadata == ["format": "pt"])
    }

    @Test(arguments: [ElementType.float16, .bfloat16])
    func widensSixteenBitWeightsExactly(type: ElementType) throws {
        let folder = try LlamaFilesFixture.copy(of: nil) { name, bytes in
            guard name == "model.safetensors" else { return bytes }
            let file = try SafetensorsFile(decoding: bytes, source: name)
            var arrays: [String: StoredArray] = [:]
            for name in file.names {
                let array = try file.array(named: name)
                let halves = try array.float32Values(source: name).map { value -> UInt16 in
                    type == .float16 ? Float16(value).bitPattern : UInt16(value.bitPattern >> 16)
                }
                arrays[name] = StoredArray(elementType: type, shape: array.shape, bytes: halves.withUnsafeBytes { Data($0) })
            }
            return SafetensorsFile.encode(arrays)
        }
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let widened = try LlamaModel(folder: folder).namedTensors()
        let name = "model.layers.1.mlp.down_proj.weight"
        let expected = try LlamaFixture().tensors[name]?.scalars.map {
            type == .float16 ? Float(Float16($0)) : Float(bitPattern: $0.bitPattern & 0xFFFF_0000)  // truncation is exact here: BF16 keeps float32's top half
        }
        #expect(widened[name]?.scalars == expected)
    }

    @Test func readsTheFourBitCheckpointTransformersSavedWithItsLoss() throws {
        let fixture = try LlamaFixture()
        let model = try LlamaModel(folder: LlamaFilesFixture.path("model-nf4"))
        for layer in model.layers {
            for projection in LlamaProjection.allCases {
                guard case .fourBit(let weight) = layer[projection].base, case .doubleQuantized = weight.scales else {
                    Issue.record("\(projection.moduleName) is not a double-quantized 4-bit base")
                    continue
                }
                #expect(weight.type == .nf4 && weight.blocksize == 64)
            }
        }
        let workspace = try LlamaWorkspace(for: model, batchSize: 2, sequenceLength: 24)
        // What transformers 5.24 with bitsandbytes 0.50.2 computes on these files, loaded from the folder
        // or quantized in memory alike. expected.json's loss_transformers_nf4_dq (5.4842567) is not
        // reproduced by those versions on the same files at any compute dtype (see LlamaCheckpointTests);
        // this value is, to the last digit printed.
        let transformers: Float = 5.487524032592773
        #expect(abs(try model.loss(fixture.batch(), workspace: workspace) - transformers) <= 1e-5 * transformers)
    }

    @Test func quantizesAsBitsandbytesDidForTheFourBitCheckpoint() throws {
        let read = try LlamaModel(folder: LlamaFilesFixture.path("model-nf4"))
        let quantized = try LlamaFixture().model().quantized(.nf4, blocksize: 64, doubleQuantization: true)
        for (layer, made) in zip(read.layers, quantized.layers) {
            for projection in LlamaProjection.allCases {
                guard case .fourBit(let theirs) = layer[projection].base, case .fourBit(let ours) = made[projection].base,
                    case .doubleQuantized(let theirScales) = theirs.scales, case .doubleQuantized(let ourScales) = ours.scales
                else {
                    Issue.record("\(projection.moduleName) is not a double-quantized 4-bit base")
                    continue
                }
                // The same 4-bit codes, and the same 8-bit codes of the absmax, bit for bit.
                #expect(theirs.packed == ours.packed)
                #expect(theirScales == ourScales)
            }
        }
    }

    /// A config.json asking for more layers than its file has tensors is refused at once, not after
    /// listing their tensors; one asking for 10^12 is past any config's limit.
    @Test(arguments: [
        ("4000", "model.safetensors: holds 21 tensors, too few for num_hidden_layers 4000 in config.json; expected 9 a layer"),
        ("1000000000000", "config.json: num_hidden_layers: expected at most 4096, got 1000000000000"),
    ])
    func refusesMoreLayersThanTheFileHasTensors(layers: String, message: String) throws {
        let folder = try LlamaFilesFixture.copy(of: nil) { file, bytes in
            file == "config.json" ? LlamaFilesFixture.replacing("\"num_hidden_layers\": 2", with: "\"num_hidden_layers\": \(layers)", in: bytes) : bytes
        }
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect {
            try LlamaModel(folder: folder)
        } throws: { error in
            (error as? InputError)?.description.hasSuffix(message) == true
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
            try LlamaModel(folder: folder)
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
            try LlamaModel(folder: folder)
        } throws: { error in
            (error as? InputError)?.message == "tensor 'model.layers.0.mlp.gate_proj.weight' has shape [128, 64]; expected [96, 64] for this config"
        }
    }
}
