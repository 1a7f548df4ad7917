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
                "trainable params: 4194304 || all params: 6742609920 || trainable%: 0.06220594176090199"))
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
            == "trainable params: 4194304 || all params: 6742609920 || trainable%: 0.06220594176090199")
        #expect((object["notebook"] as? [Any])?.count == 3)
        let settings = try #require(object["settings"] as? [String: Any])
        #expect(settings["sequence_length"] as? Int == 512)
    }
}
