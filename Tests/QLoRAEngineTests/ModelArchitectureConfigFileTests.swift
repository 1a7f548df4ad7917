import Foundation
import Testing
@testable import QLoRAEngine

@Suite struct ModelArchitectureConfigFileTests {
    /// The keys of Llama-2-7B's `config.json` that matter, among some that do not.
    static let llama2Config = """
        {
          "architectures": ["LlamaForCausalLM"],
          "model_type": "llama",
          "hidden_size": 4096,
          "intermediate_size": 11008,
          "num_hidden_layers": 32,
          "num_attention_heads": 32,
          "num_key_value_heads": 32,
          "vocab_size": 32000,
          "rms_norm_eps": 1e-05,
          "tie_word_embeddings": false,
          "torch_dtype": "float16"
        }
        """

    static func parse(_ json: String) throws(InputError) -> ModelArchitecture {
        try ModelArchitecture(configJSON: Data(json.utf8), name: "test", source: "config.json")
    }

    @Test func llama2ConfigIsTheKnownArchitecture() throws {
        var parsed = try Self.parse(Self.llama2Config)
        parsed.name = "llama-2-7b"
        #expect(parsed == (try ModelArchitecture.named("llama-2-7b")))
    }

    @Test func qwen2HasQKVBiasesAndHeadDimCanBeGiven() throws {
        let qwen = try Self.parse("""
            {"model_type": "qwen2", "hidden_size": 3584, "intermediate_size": 18944, "num_hidden_layers": 28,
             "num_attention_heads": 28, "num_key_value_heads": 4, "vocab_size": 152064}
            """)
        var known = try ModelArchitecture.named("qwen2.5-7b")
        known.name = "test"
        #expect(qwen == known)
        let wideHeads = try Self.parse("""
            {"model_type": "mistral", "hidden_size": 5120, "intermediate_size": 14336, "num_hidden_layers": 40,
             "num_attention_heads": 32, "num_key_value_heads": 8, "head_dim": 128, "vocab_size": 131072}
            """)
        #expect(wideHeads.headDimension == 128)
        #expect(wideHeads.queryWidth == 4096)
        #expect(LinearModule.oProj.weightParameters(in: wideHeads) == 4096 * 5120)
    }

    @Test func fileIsNamedAfterItsFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("Tiny-Llama-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("config.json")
        try Data(Self.llama2Config.utf8).write(to: file)
        #expect(try ModelArchitecture(configFile: file.path).name == folder.lastPathComponent)
    }

    /// Bad input: the error names the file (and line for a syntax error) and the key.
    @Test(arguments: [
        (#"{"model_type": "gpt2", "hidden_size": 768}"#, "config.json: model_type 'gpt2' is not a Llama-family model"),
        (#"{"hidden_size": 768}"#, "config.json: key 'model_type' is missing"),
        (#"{"model_type": "llama", "intermediate_size": 1}"#, "config.json: key 'hidden_size' is missing"),
        (#"{"model_type": "llama", "hidden_size": "4096"}"#, "config.json: key 'hidden_size': expected a whole number"),
        (#"{"model_type": "llama", "hidden_size": 4096.5}"#, "config.json: key 'hidden_size': expected a whole number"),
        (#"{"model_type": "llama", "hidden_size": 1e30}"#, "config.json: key 'hidden_size': expected a whole number"),
        (#"{"model_type": "llama", "tie_word_embeddings": 1}"#, "config.json: key 'tie_word_embeddings': expected true or false"),
        (#"{"model_type": 7}"#, "config.json: key 'model_type': expected a string"),
        ("[1, 2]", "config.json: expected a JSON object"),
        (#"{"model_type": "llama", "hidden_size": 4096, "hidden_size": 8}"#, #"config.json: has the key "hidden_size" twice in one object"#),
        ("{\n\"model_type\": \"llama\",\n\"hidden_size\": 40 96\n}", "config.json:3: expected valid JSON"),
    ])
    func badConfigNamesTheFileAndKey(json: String, expected: String) {
        #expect {
            _ = try Self.parse(json)
        } throws: { error in
            (error as? InputError)?.description.hasPrefix(expected) == true
        }
    }

    @Test(arguments: [
        ("num_hidden_layers", "0", "expected a whole number from 1 to 4096, got 0"),
        ("num_key_value_heads", "5", "expected a divisor of num_attention_heads (32), got 5"),
        ("num_key_value_heads", "64", "expected a whole number from 1 to 32, got 64"),
        ("vocab_size", "-1", "expected a whole number from 1 to 16777216, got -1"),
        ("hidden_size", "4100", "expected head_dim"),
    ])
    func outOfRangeValuesAreRefused(key: String, value: String, expected: String) {
        let json = Self.llama2Config.replacingOccurrences(
            of: #""\#(key)": [0-9]+"#, with: "\"\(key)\": \(value)", options: .regularExpression)
        #expect {
            _ = try Self.parse(json)
        } throws: { error in
            (error as? InputError)?.message.contains(expected) == true
        }
    }

    @Test func missingFileIsOneLine() {
        #expect(throws: InputError("no/such/config.json", "cannot read the file; expected a transformers config.json")) {
            try ModelArchitecture(configFile: "no/such/config.json")
        }
    }

    /// The largest shapes a config may give, with the longest batch, still count without overflow or refuse.
    @Test func largestConfigDoesNotOverflow() throws {
        let model = ModelArchitecture(
            name: "huge", hidden: ModelArchitecture.widthLimit, intermediate: ModelArchitecture.widthLimit,
            layers: ModelArchitecture.countLimit, heads: 256, kvHeads: 256, vocab: ModelArchitecture.vocabularyLimit,
            tieEmbeddings: false)
        let small = MemoryEstimate.Configuration(model: model, method: .qlora(.init()), sequenceLength: 1)
        #expect(try MemoryEstimate(small).total.bytes > 0)
        var long = small
        long.sequenceLength = MemoryEstimate.Configuration.sequenceLengthLimit
        long.attention = .eager
        #expect(throws: InputError.self) { try MemoryEstimate(long) }
    }
}
