import ArgumentParser
import Foundation
import QLoRAEngine
import TutorLessons

/// `qlora-tutor lm eval`: the causal-LM loss of a model (with an adapter, quantized) on tokens or text.
struct LMEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "The loss and perplexity of a model on a batch of token ids or on a text.",
        discussion: """
            The loss is transformers' causal-LM loss: the mean cross-entropy, in nats, of each \
            position's logits against the next token. --tokens holds a JSON array of equal-length \
            arrays of ids (a batch); --text is read as bytes and cut into consecutive windows of the \
            model's max_position_embeddings (the last may be shorter). tokens counts the predictions \
            averaged: each sequence's length less one.
            """
    )

    @OptionGroup var model: LMModelOptions

    @Option(help: "A JSON file holding a batch of token ids: [[id, ...], ...].")
    var tokens: String?

    @Option(help: "A text file, read as bytes.")
    var text: String?

    @Flag(help: #"Print one JSON object: {"loss", "perplexity", "tokens"}."#)
    var json = false

    /// What `--json` prints.
    struct Report: Encodable {
        var loss: Double
        var perplexity: Double
        var tokens: Int
    }

    func run() throws {
        guard (tokens == nil) != (text == nil) else {
            throw InputError("--tokens", "expected either --tokens FILE.json or --text FILE, one of them")
        }
        let model = try self.model.load()
        let evaluation: LlamaModel.Evaluation
        if let tokens {
            let sequences = try Self.readTokens(tokens)
            _ = try LlamaBatch(sequences, for: model.configuration, source: tokens)  // one batch: equal lengths, ids in the vocabulary
            evaluation = try LMTrainingFlags.naming(["batch": "--tokens \(tokens)"]) {
                try model.evaluate(sequences, threads: LMThreads.count, source: tokens)
            }
        } else if let text {
            let corpus = try ByteCorpus(path: text)
            evaluation = try LMTrainingFlags.naming(["batch": "--text \(text)"]) {
                try model.evaluate(
                    corpus.windows(length: model.configuration.maxPositionEmbeddings), threads: LMThreads.count, source: text)
            }
        } else {
            return
        }
        // Finite weights can still overflow (a norm gain of 1e38): such a model predicts nothing.
        guard evaluation.loss.isFinite else {
            throw InputError(
                self.model.model,
                "\(self.model.adapter == nil ? "" : "with its adapter ")gives a loss of \(NumberFormat.significant(evaluation.loss)); expected weights whose logits stay finite")
        }
        if json {
            print(try CommandOutput.json(Report(loss: evaluation.loss, perplexity: evaluation.perplexity, tokens: evaluation.tokens)))
        } else {
            print("loss \(String(format: "%.6f", evaluation.loss)) nats per token, perplexity \(String(format: "%.4f", evaluation.perplexity)), over \(NumberFormat.count(evaluation.tokens)) predicted tokens")
        }
    }

    /// The id arrays of a `--tokens` file.
    static func readTokens(_ path: String) throws -> [[Int]] {
        let bytes: Data
        do {
            bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw InputError(path, "cannot be read; expected a JSON file of token ids")
        }
        guard let sequences = try? JSONDecoder().decode([[Int]].self, from: bytes) else {
            throw InputError(path, "is not a JSON array of arrays of integer token ids; expected [[id, ...], ...]")
        }
        return sequences
    }
}

/// Threads the language-model commands give the kernels: every core (results do not depend on it).
enum LMThreads {
    static let count = ProcessInfo.processInfo.activeProcessorCount
}
