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
    ]

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
