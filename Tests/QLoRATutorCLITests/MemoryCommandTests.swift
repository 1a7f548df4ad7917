import Foundation
import Testing

@Suite struct MemoryCommandTests {
    /// Bad input: one line on standard error naming the flag, nothing on standard output, exit status 2.
    @Test(arguments: [
        (["--model", "gpt-5"], "--model: unknown model 'gpt-5'; expected one of: llama-2-7b, llama-2-13b"),
        (["--model", "llama-2-7b", "--rank", "0"], "--rank: expected a whole number from 1"),
        (["--model", "llama-2-7b", "--rank", "-4"], "--rank: expected a whole number from 1"),
        (["--model", "llama-2-7b", "--targets", "q_proj,lm_head"], "--targets: unknown module 'lm_head'"),
        (["--model", "llama-2-7b", "--batch", "0"], "--batch: expected a positive whole number"),
        (["--model", "llama-2-7b", "--seq", "-1"], "--seq: expected a whole number from 1"),
        (["--model", "llama-2-7b", "--method", "dora"], "--method: unknown method 'dora'"),
        (["--model", "llama-2-7b", "--optimizer", "lion"], "--optimizer: unknown optimizer 'lion'"),
        (["--model", "llama-2-7b", "--blocksize", "100"], "--blocksize: expected one of 32, 64"),
        (["--model", "llama-2-7b", "--quant-type", "int4"], "--quant-type: unknown 4-bit type 'int4'"),
        (["--model", "llama-2-7b", "--attention", "flash"], "--attention: unknown attention 'flash'; expected sdpa or eager"),
        (["--model", "llama-2-7b", "--recipe", "dora"], "--recipe: unknown recipe 'dora'; expected lora or qlora"),
        (["--config", "no/such/config.json"], "no/such/config.json: cannot read the file"),
        ([], "--model: expected a model name"),
    ])
    func badInputGetsOneLineAndStatusTwo(arguments: [String], expected: String) throws {
        let result = try CommandRunner.run(["memory"] + arguments)
        #expect(result.status == 2)
        #expect(result.standardOutput.isEmpty)
        let lines = result.standardError.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(result.standardError.hasPrefix("qlora-tutor: \(expected)"))
    }

    @Test func unknownModelListsEveryKnownModel() throws {
        let result = try CommandRunner.run(["memory", "--model", "nope"])
        let names = ["llama-2-70b", "llama-3-8b", "llama-3.2-1b", "llama-3.2-3b", "mistral-7b", "qwen2.5-7b"]
        for name in names + ["llama-65b"] {
            #expect(result.standardError.contains(name))
        }
    }

    @Test func listModelsNamesEveryArchitecture() throws {
        let result = try CommandRunner.run(["memory", "--list-models"])
        #expect(result.status == 0)
        #expect(result.standardOutput.split(separator: "\n").count == 10)
        #expect(result.standardOutput.contains("llama-2-7b     6738415616"))
    }

    @Test func tablePrintsPeftsLineAndTheNotebookComparison() throws {
        let result = try CommandRunner.run(["memory", "--model", "llama-2-7b", "--rank", "8", "--targets", "q_proj,v_proj"])
        #expect(result.status == 0)
        #expect(
            result.standardOutput.contains(
                "trainable params: 4,194,304 || all params: 6,742,609,920 || trainable%: 0.0622"))
        #expect(result.standardOutput.contains("the fp32 weights alone"))
        #expect(result.standardOutput.contains("112.00 GB"))
        for method in ["full-fp32", "full-mixed", "lora", "qlora"] {
            #expect(result.standardOutput.contains(method))
        }
    }

    @Test func listModelsAsJSON() throws {
        let result = try CommandRunner.run(["memory", "--list-models", "--json"])
        let models = try #require(
            try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [[String: Any]])
        #expect(models.count == 9)
        #expect(models.first?["parameters"] as? Int == 6_738_415_616)
    }

    @Test func singleMethodShowsBytes() throws {
        let result = try CommandRunner.run(["memory", "--model", "llama-3.2-1b", "--method", "lora", "--batch", "2"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("bytes"))
        #expect(!result.standardOutput.contains("full-fp32"))
    }

    @Test func jsonHasTheDocumentedShape() throws {
        let result = try CommandRunner.run(["memory", "--model", "llama-2-7b", "--json"])
        #expect(result.status == 0)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let estimates = try #require(object["estimates"] as? [[String: Any]])
        #expect(estimates.compactMap { $0["method"] as? String } == ["full-fp32", "full-mixed", "lora", "qlora"])
        let mixed = try #require(estimates[1]["bytes"] as? [String: Int])
        let activations = try #require(mixed["activations"])
        #expect(try #require(mixed["total"]) - activations == 16 * 6_738_415_616)
        #expect(estimates[2]["peft_line"] as? String
            == "trainable params: 4,194,304 || all params: 6,742,609,920 || trainable%: 0.0622")
        #expect((object["notebook"] as? [Any])?.count == 3)
        let settings = try #require(object["settings"] as? [String: Any])
        #expect(settings["sequence_length"] as? Int == 512)
    }

    /// A config file of a Llama-family model in a scratch folder.
    static func configFile(_ json: String, in folder: ScratchFolder) throws -> String {
        try FileManager.default.createDirectory(
            at: folder.url.appendingPathComponent("tiny-llama"), withIntermediateDirectories: true)
        return try folder.file("tiny-llama/config.json", Data(json.utf8))
    }

    static let tinyConfig = """
        {"model_type": "llama", "hidden_size": 512, "intermediate_size": 1376, "num_hidden_layers": 2,
         "num_attention_heads": 8, "num_key_value_heads": 2, "vocab_size": 1000, "tie_word_embeddings": false}
        """

    /// The reference's first line (qlora recipe, SDPA, no checkpointing), read from a config file: the
    /// per-layer and outside-layer bytes as the measuring script counts them.
    @Test func configFileGivesTheMeasuredSetting() throws {
        let folder = try ScratchFolder()
        let path = try Self.configFile(Self.tinyConfig, in: folder)
        let result = try CommandRunner.run([
            "memory", "--config", path, "--method", "qlora", "--targets", "all-linear", "--seq", "256", "--json",
        ])
        #expect(result.status == 0)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        #expect((object["model"] as? [String: Any])?["name"] as? String == "tiny-llama")
        let estimate = try #require((object["estimates"] as? [[String: Any]])?.first)
        let activations = try #require(estimate["activations"] as? [String: Any])
        #expect(activations["saved_per_layer"] as? Int == 9_403_392)
        #expect(activations["saved_outside_layers"] as? Int == 3_155_980)
        let setting = try #require(activations["setting"] as? [String: Any])
        #expect(setting["attention"] as? String == "sdpa")
        #expect(setting["recipe"] as? String == "qlora")
        #expect(setting["hidden_state_dtype"] as? String == "float32")
        #expect(setting["gradient_checkpointing"] as? Bool == false)
        for key in ["decoder_layers", "adapter_outputs", "logits", "outside_layers", "recomputed_layer"] {
            #expect(activations[key] is Int, "\(key)")
        }
    }

    @Test func textNamesTheSettingOfEachMethod() throws {
        let result = try CommandRunner.run([
            "memory", "--model", "llama-2-7b", "--method", "qlora", "--attention", "eager", "--recipe", "lora",
        ])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains(
            "qlora:  eager attention, lora recipe (bfloat16 hidden states, float32 adapters, float32 logits), "
                + "no gradient checkpointing"))
        #expect(result.standardOutput.contains("saved per layer *"))
    }

    @Test func badConfigIsOneLineNamingTheFile() throws {
        let folder = try ScratchFolder()
        let path = try Self.configFile(#"{"model_type": "gpt2", "n_embd": 768}"#, in: folder)
        let result = try CommandRunner.run(["memory", "--config", path])
        #expect(result.status == 2)
        #expect(result.standardOutput.isEmpty)
        #expect(result.standardError == "qlora-tutor: \(path): model_type 'gpt2' is not a Llama-family model; "
            + "expected one of: llama, mistral, qwen2\n")
        let both = try CommandRunner.run(["memory", "--config", path, "--model", "llama-2-7b"])
        #expect(both.status == 2)
        #expect(both.standardError.hasPrefix("qlora-tutor: \(path): model_type 'gpt2'"))
        let good = try Self.configFile(Self.tinyConfig, in: folder)
        let conflict = try CommandRunner.run(["memory", "--config", good, "--model", "llama-2-7b"])
        #expect(conflict.standardError == "qlora-tutor: --config: expected either --model or --config, not both\n")
    }
}
