import ArgumentParser
import Foundation
import QLoRAEngine

/// `qlora-tutor lm sample`: a model's continuation of a prompt.
struct LMSampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Continue a prompt with a model, byte by byte.",
        discussion: """
            Each byte is drawn from the softmax of the logits divided by --temperature, among the \
            --top-k likeliest (all when not given); --temperature 0 takes the likeliest. Seeded: the \
            same text on every machine. Prints the prompt and its continuation as they come; bytes \
            that are not UTF-8 show as \\xNN, and control characters other than newline and tab are \
            escaped, so a sample cannot drive the terminal.
            """
    )

    @OptionGroup var model: LMModelOptions

    @Option(help: "The text to continue.")
    var prompt: String

    @Option(help: "Bytes to generate.")
    var tokens = 200

    @Option(help: "Softmax temperature; 0 is greedy.")
    var temperature: Float = 0.8

    @Option(help: "Draw among the k likeliest bytes only.")
    var topK: Int?

    @Option(help: "Seeds the draws.")
    var seed: UInt64 = 0

    func run() throws {
        guard tokens >= 0, tokens <= 1_000_000 else { throw InputError("--tokens", "expected 0 to 1000000 bytes, got \(tokens)") }
        let model = try self.model.load()
        let promptBytes = Array(prompt.utf8)
        // The prompt goes out with the first byte drawn, once the settings have been accepted, so
        // that a refused setting leaves standard output empty.
        var writer = SampleWriter()
        var promptWritten = false
        func writePrompt() {
            guard !promptWritten else { return }
            promptWritten = true
            for byte in promptBytes { writer.append(byte) }
        }
        _ = try LMTrainingFlags.naming(["batch": "--tokens"]) {
            try model.sample(
                prompt: promptBytes.map(Int.init), count: tokens, temperature: temperature, topK: topK, seed: seed,
                each: { token in
                    writePrompt()
                    writer.append(UInt8(truncatingIfNeeded: token))
                })
        }
        writePrompt()
        writer.append(0x0A)
    }
}
