import Foundation
import QLoRAEngine
import Testing

/// `lm pretrain`, `lm finetune` and `lm sample` on sizes a debug build runs in seconds.
@Suite struct LMTrainingCommandTests {
    static let text = Data(String(repeating: "QLoRA keeps the base in four bits and trains a small adapter beside it. ", count: 8).utf8)

    static func run(_ arguments: [String]) throws -> CommandRunner.Result {
        let result = try CommandRunner.run(arguments)
        #expect(result.status == 0, "\(result.standardError)")
        return result
    }

    static func evalLoss(_ arguments: [String]) throws -> Double {
        let result = try run(["lm", "eval"] + arguments + ["--json"])
        let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        return try #require(object?["loss"] as? Double)
    }

    @Test func pretrainWritesAFolderThatEvaluatesToItsHeldOutLossTheSameEveryRun() throws {
        let scratch = try ScratchFolder()
        let data = try scratch.file("text.txt", Self.text)
        let shape = ["--hidden", "16", "--intermediate", "24", "--layers", "1", "--heads", "2", "--context", "16", "--steps", "4", "--batch", "2"]
        let first = try Self.run(["lm", "pretrain", "--data", data, "--held-out", data, "--out", scratch.path("a"), "--json"] + shape)
        _ = try Self.run(["lm", "pretrain", "--data", data, "--out", scratch.path("b")] + shape)
        let report = try JSONSerialization.jsonObject(with: Data(first.standardOutput.utf8)) as? [String: Any]
        let losses = try #require(report?["losses"] as? [Double])
        #expect(losses.count == 4 && losses[3] < losses[0])
        let weights = { (folder: String) in try Data(contentsOf: URL(fileURLWithPath: scratch.path(folder)).appendingPathComponent("model.safetensors")) }
        let (a, b) = (try weights("a"), try weights("b"))
        #expect(a == b)
        let heldOut = try #require(report?["held_out_loss"] as? Double)
        #expect(abs(try Self.evalLoss([scratch.path("a"), "--text", data]) - heldOut) <= 1e-6 * heldOut)
    }

    @Test(arguments: ["lora", "qlora-nf4", "qlora-int4"])
    func finetuneWritesAnAdapterThatEvaluatesToItsHeldOutLoss(method: String) throws {
        let scratch = try ScratchFolder()
        let data = try scratch.file("text.txt", Self.text)
        let result = try Self.run([
            "lm", "finetune", TinyLlamaFolder.path(), "--data", data, "--held-out", data, "--method", method, "--rank", "2",
            "--targets", "q_proj,v_proj", "--steps", "2", "--batch", "2", "--context", "24", "--out", scratch.path("adapter"), "--json",
        ])
        let report = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        #expect(report?["trainable_parameters"] as? Int == 2 * 2 * (2 * 64 + 64 + 32))  // layers x rank x (q's in + out, v's in + out)
        let after = try #require(report?["held_out_loss_after"] as? Double)
        let quantize = ["qlora-nf4": ["--quantize", "nf4", "--double-quant"], "qlora-int4": ["--quantize", "int4"]][method] ?? []
        // Evaluated in windows of max_position_embeddings (128), not --context's 24: the same text, other cuts.
        let evaluated = try Self.evalLoss([TinyLlamaFolder.path(), "--text", data, "--adapter", scratch.path("adapter")] + quantize)
        #expect(evaluated.isFinite && abs(evaluated - after) < 0.5)
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: scratch.path("adapter")).appendingPathComponent("adapter_config.json"))) as? [String: Any]
        #expect(config?["target_modules"] as? [String] == ["q_proj", "v_proj"] && config?["r"] as? Int == 2)
    }

    @Test func fullFineTuningWritesAModelFolder() throws {
        let scratch = try ScratchFolder()
        let data = try scratch.file("text.txt", Self.text)
        _ = try Self.run(["lm", "finetune", TinyLlamaFolder.path(), "--data", data, "--method", "full", "--steps", "2", "--batch", "2", "--context", "32", "--out", scratch.path("full")])
        let before = try Self.evalLoss([TinyLlamaFolder.path(), "--text", data])
        let after = try Self.evalLoss([scratch.path("full"), "--text", data])
        #expect(after < before)
    }

    /// A run whose loss turns NaN stops there, blames the learning rate in one last line, exits 2
    /// and leaves no folder behind.
    @Test func aDivergingRunStopsAndWritesNothing() throws {
        let scratch = try ScratchFolder()
        let data = try scratch.file("text.txt", Self.text)
        let result = try CommandRunner.run([
            "lm", "pretrain", "--data", data, "--out", scratch.path("out"), "--hidden", "16", "--intermediate", "24", "--layers", "1",
            "--heads", "2", "--context", "16", "--steps", "3", "--batch", "2", "--lr", "1e30",
        ])
        #expect(result.status == 2)
        let last = result.standardError.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix("qlora-tutor: --lr: the loss became nan at step "), "\(result.standardError)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("out")))
    }

    /// A prompt (or a sample) with control characters cannot drive the terminal: they come out escaped.
    @Test func sampleEscapesControlCharactersButKeepsLines() throws {
        let output = try Self.run(["lm", "sample", TinyLlamaFolder.path(), "--prompt", "\u{1B}[31mred\u{07}\nnext", "--tokens", "4", "--temperature", "0"]).standardOutput
        #expect(output.hasPrefix("\\e[31mred\\x07\nnext"), "\(output)")
        #expect(!output.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" })
    }

    /// Written a line or 64 bytes at a time, a sample never cuts a character in two.
    @Test func sampleKeepsLongRunsOfWideCharactersWhole() throws {
        let prompt = String(repeating: "漢字", count: 15)
        let output = try Self.run(["lm", "sample", TinyLlamaFolder.path(), "--prompt", prompt, "--tokens", "2", "--temperature", "0"]).standardOutput
        #expect(output.hasPrefix(prompt), "\(output)")
    }

    @Test func sampleIsSeeded() throws {
        let arguments = ["lm", "sample", TinyLlamaFolder.path(), "--prompt", "QLoRA", "--tokens", "12", "--seed", "3", "--top-k", "5"]
        let first = try Self.run(arguments).standardOutput
        let again = try Self.run(arguments).standardOutput
        #expect(first.hasPrefix("QLoRA") && first == again)
        let greedy = try Self.run(["lm", "sample", TinyLlamaFolder.path(), "--prompt", "QLoRA", "--tokens", "12", "--temperature", "0"]).standardOutput
        let otherSeed = try Self.run(["lm", "sample", TinyLlamaFolder.path(), "--prompt", "QLoRA", "--tokens", "12", "--temperature", "0", "--seed", "9"]).standardOutput
        #expect(greedy == otherSeed)
    }

    @Test(arguments: [
        (["lm", "pretrain", "--data", "$DIR/empty.txt", "--out", "$DIR/m"], "$DIR/empty.txt: holds 0 bytes; expected text of at least 2 bytes"),
        (["lm", "finetune", TinyLlamaFolder.path(), "--data", "$DIR/empty.txt", "--method", "lora", "--out", "$DIR/a"], "$DIR/empty.txt: holds 0 bytes"),
        (["lm", "finetune", TinyLlamaFolder.path(), "--data", "$DIR/text.txt", "--method", "lora", "--context", "129", "--out", "$DIR/a"],
         "--context: expected 2 to max_position_embeddings = 128 tokens, got 129"),
        (["lm", "finetune", TinyLlamaFolder.path(), "--data", "$DIR/text.txt", "--method", "lora", "--targets", "c_attn", "--out", "$DIR/a"],
         "--targets: c_attn names no module of a Llama model"),
        (["lm", "finetune", TinyLlamaFolder.path("model-nf4"), "--data", "$DIR/text.txt", "--method", "full", "--out", "$DIR/a"],
         "--method: full fine-tuning needs a float model"),
        (["lm", "pretrain", "--data", "$DIR/text.txt", "--out", "$DIR/m", "--heads", "3"], "--heads: 3 heads of --hidden 128"),
        (["lm", "pretrain", "--data", "$DIR/text.txt", "--out", "$DIR/m", "--context", "4096"], "--context: 4096 tokens is longer than $DIR/text.txt"),
        (["lm", "sample", TinyLlamaFolder.path(), "--prompt", "", "--tokens", "3"], "--prompt: expected at least one token"),
        (["lm", "sample", TinyLlamaFolder.path(), "--prompt", String(repeating: "a line\n", count: 20), "--temperature=-1"],
         "--temperature: expected a number of at least 0"),
    ])
    func badInputGetsOneLineAndStatusTwo(arguments: [String], expected: String) throws {
        let scratch = try ScratchFolder()
        _ = try scratch.file("empty.txt", Data())
        _ = try scratch.file("text.txt", Self.text)
        let dir = scratch.url.path
        let result = try CommandRunner.run(arguments.map { $0.replacingOccurrences(of: "$DIR", with: dir) })
        #expect(result.status == 2)
        #expect(result.standardOutput.isEmpty)
        #expect(result.standardError.split(separator: "\n").count == 1, "\(result.standardError)")
        let line = expected.replacingOccurrences(of: "$DIR", with: dir)
        #expect(result.standardError.hasPrefix("qlora-tutor: \(line)"), "\(result.standardError)")
    }
}
