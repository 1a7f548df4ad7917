import Foundation
import QLoRAEngine
import Testing

/// The tiny Llama made with transformers, peft and bitsandbytes, kept with the engine's tests.
enum TinyLlamaFolder {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("QLoRAEngineTests/Fixtures/tiny-llama")

    static func path(_ parts: String...) -> String {
        parts.reduce(folder) { $0.appendingPathComponent($1) }.path
    }

    struct Expected: Decodable {
        var loss: Double
        var loss_nf4: Double
        var loss_fp4: Double
        var loss_lora: Double
    }

    static func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: folder.appendingPathComponent("expected.json")))
    }

    /// A copy of the model folder (or of `subfolder`) in `scratch` under `name`, each file's text
    /// edited by `edit` (given the file name), or its bytes replaced by `replace`.
    static func copy(
        _ subfolder: String? = nil, into scratch: ScratchFolder, as name: String,
        edit: (String, String) -> String = { $1 }, replace: (String, Data) throws -> Data = { $1 }
    ) throws -> String {
        let source = subfolder.map { folder.appendingPathComponent($0) } ?? folder
        let target = scratch.url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        for file in ["config.json", "model.safetensors", "adapter_config.json", "adapter_model.safetensors"] {
            guard let bytes = try? Data(contentsOf: source.appendingPathComponent(file)) else { continue }
            let edited = file.hasSuffix(".json") ? Data(edit(file, String(decoding: bytes, as: UTF8.self)).utf8) : bytes
            try replace(file, edited).write(to: target.appendingPathComponent(file))
        }
        return target.path
    }
}

@Suite struct LMCommandTests {
    struct Report: Decodable {
        var loss: Double
        var perplexity: Double
        var tokens: Int
    }

    static func eval(_ arguments: [String]) throws -> Report {
        let result = try CommandRunner.run(["lm", "eval", TinyLlamaFolder.path(), "--tokens", TinyLlamaFolder.path("tokens.json"), "--json"] + arguments)
        #expect(result.status == 0, "\(result.standardError)")
        return try JSONDecoder().decode(Report.self, from: Data(result.standardOutput.utf8))
    }

    /// What transformers, peft and bitsandbytes computed on the same files, within 1e-5 relative.
    @Test(arguments: [
        ([], "loss"),
        (["--adapter", TinyLlamaFolder.path("adapter")], "loss_lora"),
        (["--quantize", "nf4"], "loss_nf4"),
        (["--quantize", "fp4"], "loss_fp4"),
    ])
    func evalReportsTheLibrariesLoss(arguments: [String], key: String) throws {
        let report = try Self.eval(arguments)
        let expected = try TinyLlamaFolder.expected()
        let loss = ["loss": expected.loss, "loss_lora": expected.loss_lora, "loss_nf4": expected.loss_nf4, "loss_fp4": expected.loss_fp4][key] ?? .nan
        #expect(abs(report.loss - loss) <= 1e-5 * loss)
        #expect(abs(report.perplexity - exp(report.loss)) <= 1e-9 * report.perplexity)
        #expect(report.tokens == 2 * 23)
    }

    @Test func evalReadsTransformersFourBitCheckpoint() throws {
        let result = try CommandRunner.run(["lm", "eval", TinyLlamaFolder.path("model-nf4"), "--tokens", TinyLlamaFolder.path("tokens.json"), "--json"])
        let report = try JSONDecoder().decode(Report.self, from: Data(result.standardOutput.utf8))
        #expect(abs(report.loss - 5.487524032592773) <= 1e-5 * 5.487524)  // transformers 5.24 + bitsandbytes 0.50.2 on these files
    }

    @Test func evalCutsATextIntoWindowsOfTheContext() throws {
        let scratch = try ScratchFolder()
        let text = try scratch.file("text.txt", Data(String(repeating: "QLoRA keeps the base in four bits. ", count: 10).utf8))  // 350 bytes
        let result = try CommandRunner.run(["lm", "eval", TinyLlamaFolder.path(), "--text", text, "--json"])
        let report = try JSONDecoder().decode(Report.self, from: Data(result.standardOutput.utf8))
        #expect(report.tokens == 127 + 127 + 93)  // windows of 128, 128 and 94 bytes
        #expect(report.loss > 0 && report.loss.isFinite)
    }
}
