import Foundation
import QLoRAEngine
import Testing

/// Bad input to `lm`: one line on standard error naming the file or flag, exit status 2.
@Suite struct LMBadInputTests {
    typealias Case = BadInputTests.Case

    static let tokens = TinyLlamaFolder.path("tokens.json")

    static func eval(_ model: String, _ more: [String] = []) -> [String] {
        ["lm", "eval", model, "--tokens", tokens] + more
    }

    /// The model folder with its `model.safetensors` rewritten by `change`.
    static func weights(_ scratch: ScratchFolder, _ change: @escaping ([String: StoredArray]) -> [String: StoredArray]) throws -> String {
        try TinyLlamaFolder.copy(into: scratch, as: "model", replace: { file, bytes in
            guard file == "model.safetensors" else { return bytes }
            let safetensors = try SafetensorsFile(decoding: bytes, source: file)
            var arrays: [String: StoredArray] = [:]
            for name in safetensors.names { arrays[name] = try safetensors.array(named: name) }
            return SafetensorsFile.encode(change(arrays))
        })
    }

    static let cases: [Case] = [
        Case(label: "a config of another model_type", arguments: { scratch in
                 eval(try TinyLlamaFolder.copy(into: scratch, as: "model", edit: { $1.replacingOccurrences(of: #""model_type": "llama""#, with: #""model_type": "gpt2""#) }))
             }, expected: "$DIR/model/config.json: model_type is 'gpt2'; expected 'llama'"),
        Case(label: "no model folder", arguments: { eval($0.path("nothing")) },
             expected: "$DIR/nothing: no such folder; expected a folder with config.json"),
        Case(label: "a missing tensor", arguments: { scratch in
                 eval(try weights(scratch) { $0.filter { $0.key != "model.layers.1.self_attn.v_proj.weight" } })
             }, expected: "$DIR/model/model.safetensors: has no tensor 'model.layers.1.self_attn.v_proj.weight'; expected [32, 64] for this config"),
        Case(label: "a misshapen tensor", arguments: { scratch in
                 eval(try weights(scratch) { arrays in
                     arrays.merging(["model.norm.weight": StoredArray(float32: Array(repeating: 1, count: 32), shape: [32])]) { $1 }
                 })
             }, expected: "$DIR/model/model.safetensors: tensor 'model.norm.weight' has shape [32]; expected [64] for this config"),
        Case(label: "an adapter made for another rank", arguments: { scratch in
                 eval(TinyLlamaFolder.path(), ["--adapter", try TinyLlamaFolder.copy("adapter", into: scratch, as: "adapter", edit: { $1.replacingOccurrences(of: #""r": 4"#, with: #""r": 2"#) })])
             }, expected: "$DIR/adapter/adapter_model.safetensors: tensor 'base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight' has shape [4, 64]; expected [2, 64]"),
        Case(label: "an adapter made for a wider model", arguments: { scratch in
                 let wider = try TinyLlamaFolder.copy(into: scratch, as: "model", edit: { $1.replacingOccurrences(of: #""intermediate_size": 128"#, with: #""intermediate_size": 256"#) },
                                                      replace: { file, bytes in file == "model.safetensors" ? try Self.widened(bytes) : bytes })
                 return eval(wider, ["--adapter", TinyLlamaFolder.path("adapter")])
             }, expected: "\(TinyLlamaFolder.path("adapter", "adapter_model.safetensors")): tensor 'base_model.model.model.layers.0.mlp.gate_proj.lora_B.weight' has shape [128, 4]; expected [256, 4]"),
        Case(label: "an adapter naming modules the model lacks", arguments: { scratch in
                 eval(TinyLlamaFolder.path(), ["--adapter", try TinyLlamaFolder.copy("adapter", into: scratch, as: "adapter", edit: { $1.replacingOccurrences(of: #""up_proj""#, with: #""c_fc""#) })])
             }, expected: "$DIR/adapter/adapter_config.json: target_modules names 'c_fc', which the model does not have"),
        Case(label: "token ids outside the vocabulary", arguments: { scratch in
                 ["lm", "eval", TinyLlamaFolder.path(), "--tokens", try scratch.file("t.json", Data("[[1, 2, 256]]".utf8))]
             }, expected: "$DIR/t.json: token id 256 in sequence 0 is outside the vocabulary 0..<256"),
        Case(label: "tokens that are not ids", arguments: { scratch in
                 ["lm", "eval", TinyLlamaFolder.path(), "--tokens", try scratch.file("t.json", Data(#"{"ids": [1, 2]}"#.utf8))]
             }, expected: "$DIR/t.json: is not a JSON array of arrays of integer token ids"),
        Case(label: "a sequence longer than max_position_embeddings", arguments: { scratch in
                 ["lm", "eval", TinyLlamaFolder.path(), "--tokens", try scratch.file("t.json", Data("[\(Array(repeating: 7, count: 129))]".utf8))]
             }, expected: "$DIR/t.json: expected at most max_position_embeddings = 128 tokens per sequence, got 129"),
        Case(label: "empty text", arguments: { scratch in
                 ["lm", "eval", TinyLlamaFolder.path(), "--text", try scratch.file("empty.txt", Data())]
             }, expected: "$DIR/empty.txt: holds 0 bytes; expected text of at least 2 bytes"),
        Case(label: "neither tokens nor text", arguments: { _ in ["lm", "eval", TinyLlamaFolder.path()] },
             expected: "--tokens: expected either --tokens FILE.json or --text FILE"),
        Case(label: "double quantization of int4", arguments: { _ in eval(TinyLlamaFolder.path(), ["--quantize", "int4", "--double-quant"]) },
             expected: "--double-quant: applies with --quantize nf4 or fp4 only"),
        Case(label: "a blocksize bitsandbytes refuses", arguments: { _ in eval(TinyLlamaFolder.path(), ["--quantize", "nf4", "--blocksize", "100"]) },
             expected: "--blocksize: expected one of 32, 64"),
        Case(label: "quantizing a 4-bit checkpoint", arguments: { _ in eval(TinyLlamaFolder.path("model-nf4"), ["--quantize", "fp4"]) },
             expected: "--quantize: \(TinyLlamaFolder.path("model-nf4")) is already quantized"),
        Case(label: "a NaN weight", arguments: { scratch in
                 eval(try weights(scratch) { arrays in
                     arrays.merging(["model.norm.weight": StoredArray(float32: [1, .nan] + Array(repeating: 1, count: 62), shape: [64])]) { $1 }
                 })
             }, expected: "$DIR/model/model.safetensors: model.norm.weight: holds nan at index 1; expected finite weights"),
        Case(label: "a NaN scale in a 4-bit checkpoint", arguments: { scratch in
                 eval(try TinyLlamaFolder.copy("model-nf4", into: scratch, as: "model", replace: { file, bytes in
                     guard file == "model.safetensors" else { return bytes }
                     let safetensors = try SafetensorsFile(decoding: bytes, source: file)
                     var arrays: [String: StoredArray] = [:]
                     for name in safetensors.names { arrays[name] = try safetensors.array(named: name) }
                     let name = "model.layers.0.self_attn.q_proj.weight.nested_absmax"
                     var values = try #require(arrays[name]).float32Values(source: name)
                     values[0] = .nan
                     arrays[name] = StoredArray(float32: values, shape: [values.count])
                     return SafetensorsFile.encode(arrays, metadata: safetensors.metadata)
                 }))
             }, expected: "$DIR/model/model.safetensors: 4-bit weight 'model.layers.0.self_attn.q_proj.weight': nested_absmax holds a NaN or an infinity"),
        Case(label: "an epsilon float32 cannot hold", arguments: { scratch in
                 eval(try TinyLlamaFolder.copy(into: scratch, as: "model", edit: { $1.replacingOccurrences(of: #""rms_norm_eps": 1e-05"#, with: #""rms_norm_eps": 1e308"#) }))
             }, expected: "$DIR/model/config.json: rms_norm_eps is 1e+308; expected a positive number a float32 holds"),
        Case(label: "a key given twice in config.json", arguments: { scratch in
                 eval(try TinyLlamaFolder.copy(into: scratch, as: "model", edit: { $1.replacingOccurrences(of: #""hidden_size": 64"#, with: #""hidden_size": 64, "hidden_size": 32"#) }))
             }, expected: #"$DIR/model/config.json: has the key "hidden_size" twice in one object"#),
        Case(label: "weights whose logits overflow", arguments: { scratch in
                 eval(try weights(scratch) { arrays in
                     arrays.merging(["model.norm.weight": StoredArray(float32: Array(repeating: 3e38, count: 64), shape: [64])]) { $1 }
                 })
             }, expected: "$DIR/model: gives a loss of "),
        Case(label: "a head count whose widths would overflow", arguments: { scratch in
                 eval(try TinyLlamaFolder.copy(into: scratch, as: "model", edit: {
                     $1.replacingOccurrences(of: #""num_attention_heads": 4"#, with: #""num_attention_heads": 4294967296"#)
                 }))
             }, expected: "$DIR/model/config.json: num_attention_heads: expected at most 4096, got 4294967296"),
        Case(label: "a model file where a folder is expected", arguments: { _ in eval(TinyLlamaFolder.path("config.json")) },
             expected: "\(TinyLlamaFolder.path("config.json")): is a file; expected a folder with config.json"),
    ] + trainingCases

    /// Sizes no machine holds, and outputs that cannot be written: refused before any training.
    static let trainingText = Data(String(repeating: "four bits and an adapter ", count: 20).utf8)

    /// `lm pretrain` of a one-layer model for one step, with `more` flags last (they win).
    static func pretrain(_ scratch: ScratchFolder, _ more: [String]) throws -> [String] {
        ["lm", "pretrain", "--data", try scratch.file("text.txt", trainingText), "--out", scratch.path("out"),
         "--hidden", "16", "--intermediate", "24", "--layers", "1", "--heads", "2", "--context", "16", "--steps", "1", "--batch", "1"] + more
    }

    /// `lm finetune --method lora` of the fixture for one step, with `more` flags last.
    static func finetune(_ scratch: ScratchFolder, _ more: [String]) throws -> [String] {
        ["lm", "finetune", TinyLlamaFolder.path(), "--data", try scratch.file("text.txt", trainingText), "--method", "lora",
         "--steps", "1", "--batch", "1", "--context", "16", "--out", scratch.path("out")] + more
    }

    static let trainingCases: [Case] = {
        return [
            Case(label: "a hidden size past the limit", arguments: { try pretrain($0, ["--hidden", "4611686018427387904"]) },
                 expected: "--hidden: expected 1 to 1048576, got 4611686018427387904"),
            Case(label: "a model larger than the machine", arguments: { try pretrain($0, ["--hidden", "1048576"]) },
                 expected: "--hidden, --intermediate, --layers, --batch, --context: training this model on batches of 1 x 16 tokens needs "),
            Case(label: "more layers than a config may have", arguments: { try pretrain($0, ["--layers", "100000"]) },
                 expected: "--layers: expected 1 to 4096, got 100000"),
            Case(label: "a window of one token", arguments: { try pretrain($0, ["--context", "1"]) },
                 expected: "--context: expected 2 to 1048576, got 1"),
            Case(label: "an output that is a file", arguments: { scratch in
                     var arguments = try pretrain(scratch, [])
                     arguments[arguments.firstIndex(of: "--out")! + 1] = try scratch.file("taken", Data())
                     return arguments
                 }, expected: "--out $DIR/taken: is a file; expected a folder to write into"),
            Case(label: "a rank no machine holds", arguments: { try finetune($0, ["--rank", "9223372036854775807"]) },
                 expected: "--rank: training LoRA at rank 9223372036854775807 needs more bytes than a 64-bit count can hold"),
            Case(label: "a rank whose training outgrows the machine", arguments: { try finetune($0, ["--rank", "100000000"]) },
                 expected: "--rank: training LoRA at rank 100000000 needs "),
            Case(label: "an output folder that is the model", arguments: { scratch in
                     var arguments = try finetune(scratch, ["--method", "full"])
                     arguments[arguments.firstIndex(of: "--out")! + 1] = TinyLlamaFolder.path()
                     return arguments
                 }, expected: "--out \(TinyLlamaFolder.path()): would overwrite \(TinyLlamaFolder.path()), which this run reads"),
            Case(label: "a training text the output would overwrite", arguments: { scratch in
                     let folder = scratch.path("out")
                     try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                     let data = try scratch.file("out/config.json", trainingText)
                     var arguments = try pretrain(scratch, [])
                     arguments[arguments.firstIndex(of: "--data")! + 1] = data
                     return arguments
                 }, expected: "--out $DIR/out: would overwrite $DIR/out/config.json, which this run reads"),
            Case(label: "a non-positive alpha", arguments: { try finetune($0, ["--alpha=-1"]) },
                 expected: "--alpha: expected a positive number, got -1.0"),
            Case(label: "an empty target name", arguments: { try finetune($0, ["--targets", "q_proj,,k_proj"]) },
                 expected: "--targets: has an empty module name"),
            Case(label: "an int4 block smaller than quantize takes", arguments: { _ in eval(TinyLlamaFolder.path(), ["--quantize", "int4", "--blocksize", "1"]) },
                 expected: "--blocksize: expected at least 16 for int4, got 1"),
            Case(label: "a batch larger than the machine", arguments: { try finetune($0, ["--batch", "1000000", "--context", "128"]) },
                 expected: "--batch, --context: training this model on batches of 1000000 x 128 tokens needs "),
        ]
    }()

    /// The fixture's weights with every MLP linear widened to an intermediate size of 256 (zeros added).
    static func widened(_ bytes: Data) throws -> Data {
        let file = try SafetensorsFile(decoding: bytes, source: "model.safetensors")
        var arrays: [String: StoredArray] = [:]
        for name in file.names {
            let tensor = try file.array(named: name).tensor(source: name)
            if name.hasSuffix("gate_proj.weight") || name.hasSuffix("up_proj.weight") {
                arrays[name] = StoredArray(float32: tensor.scalars + Array(repeating: 0, count: tensor.count), shape: [256, 64])
            } else if name.hasSuffix("down_proj.weight") {
                var rows: [Float] = []
                for row in 0..<64 {
                    rows += tensor.scalars[row * 128..<(row + 1) * 128]
                    rows += [Float](repeating: 0, count: 128)
                }
                arrays[name] = StoredArray(float32: rows, shape: [64, 256])
            } else {
                arrays[name] = StoredArray(tensor)
            }
        }
        return SafetensorsFile.encode(arrays)
    }

    @Test(arguments: cases)
    func exitsWithStatusTwoAndOneLine(_ badCase: Case) throws {
        try badCase.expectOneLineAndStatusTwo()
    }
}
