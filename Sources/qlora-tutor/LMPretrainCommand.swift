import ArgumentParser
import Foundation
import QLoRAEngine

/// `qlora-tutor lm pretrain`: a fresh byte-level Llama trained on a text, written as a Hugging Face folder.
struct LMPretrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pretrain",
        abstract: "Pretrain a tiny byte-level Llama on a text and write it as a transformers folder.",
        discussion: """
            The model starts as transformers initialises a LlamaForCausalLM (linears and embedding \
            from N(0, 0.02²), norms one), seeded by --seed; each step draws --batch windows of \
            --context bytes at random starts (seeded by --seed too) and takes one AdamW step (betas \
            0.9, 0.999, weight decay 0.01) at a constant --lr. The same flags give the same model, \
            bit for bit, on every machine. --held-out reports the loss on a second text.
            """
    )

    @Option(help: "The training text, read as bytes.")
    var data: String

    @Option(help: "The folder to write: config.json and model.safetensors.")
    var out: String

    @Option(help: "A text to report the final loss on (not trained on).")
    var heldOut: String?

    @Option(help: "hidden_size.") var hidden = 128
    @Option(help: "intermediate_size.") var intermediate = 344
    @Option(help: "num_hidden_layers.") var layers = 4
    @Option(help: "num_attention_heads.") var heads = 4
    @Option(help: "num_key_value_heads (default: --heads).") var kvHeads: Int?
    @Option(help: "Tokens per window, and max_position_embeddings.") var context = 128
    @Option(help: "Training steps.") var steps = 600
    @Option(help: "Windows per step.") var batch = 32
    @Option(help: "AdamW's learning rate.") var lr: Float = 3e-3
    @Option(help: "Seeds the initial weights and the batches.") var seed: UInt64 = 0

    @Flag(help: "Print one JSON object: the shape, every step's loss, the held-out loss.")
    var json = false

    /// What `--json` prints.
    struct Report: Encodable {
        var out: String
        var parameters: Int
        var hiddenSize, intermediateSize, layers, heads, keyValueHeads, context: Int
        var steps, batch: Int
        var learningRate: Float
        var seed: UInt64
        var losses: [Float]
        var heldOutLoss: Double?
    }

    func run() throws {
        try LMTrainingFlags.validate(steps: steps, batch: batch, lr: lr)
        // A window of one token predicts nothing: the loss compares each token with the next.
        let ranges = [
            ("--hidden", hidden, 1, ModelArchitecture.widthLimit), ("--intermediate", intermediate, 1, ModelArchitecture.widthLimit),
            ("--layers", layers, 1, ModelArchitecture.countLimit), ("--heads", heads, 1, ModelArchitecture.countLimit),
            ("--context", context, 2, ModelArchitecture.widthLimit),
        ]
        for (flag, value, lowest, limit) in ranges {
            guard value >= lowest, value <= limit else { throw InputError(flag, "expected \(lowest) to \(limit), got \(value)") }
        }
        guard kvHeads.map({ $0 >= 1 && heads % $0 == 0 }) ?? true else {
            throw InputError("--kv-heads", "expected a divisor of --heads \(heads), got \(kvHeads ?? 0)")
        }
        guard hidden % heads == 0, (hidden / heads) % 2 == 0 else {
            throw InputError("--heads", "\(heads) heads of --hidden \(hidden) is not a whole, even head width; expected hidden / heads even")
        }
        try LMTrainingFlags.checkOut(out, isNoneOf: [data, heldOut])
        let corpus = try ByteCorpus(path: data)
        let heldOut = try self.heldOut.map { try ByteCorpus(path: $0) }
        try corpus.checkWindow(length: context)  // before a plan of that length is allocated
        let configuration = LlamaConfiguration(
            hiddenSize: hidden, intermediateSize: intermediate, layerCount: layers, attentionHeadCount: heads,
            keyValueHeadCount: kvHeads, maxPositionEmbeddings: context)
        // The whole run is counted before the model is drawn: a model that fits but cannot be trained
        // is refused at once, not after minutes of drawing its weights.
        try LMTrainingFlags.naming(["batch": "--hidden, --intermediate, --layers, --batch, --context"]) {
            try LlamaWorkspace.checkMemory(
                configuration: configuration, adapterValues: 0, largestRank: 0, batchSize: batch, sequenceLength: context,
                training: .full)
        }
        var trainer = try LlamaTrainer(
            model: LlamaModel(configuration: configuration, seed: seed), batchSize: batch, sequenceLength: context,
            training: .full, optimizer: .adamW(learningRate: lr), threads: LMThreads.count)
        let progress = LMProgress("pretrain", steps: steps)
        let losses = try LMTrainingFlags.training(into: out, progress: progress) {
            try trainer.train(on: corpus, steps: steps, seed: seed &+ 1, progress: progress.step)
        }
        try trainer.model.write(folder: out)
        let heldOutLoss = try heldOut.map {
            try trainer.model.evaluate($0.windows(length: context), threads: LMThreads.count, source: $0.source).loss
        }
        let report = Report(
            out: out, parameters: trainer.model.parameterCount, hiddenSize: hidden, intermediateSize: intermediate,
            layers: layers, heads: heads, keyValueHeads: configuration.keyValueHeadCount, context: context, steps: steps,
            batch: batch, learningRate: lr, seed: seed, losses: losses, heldOutLoss: heldOutLoss)
        if json {
            print(try CommandOutput.json(report))
        } else {
            print(LMTrainingFlags.summary(
                "pretrained \(report.parameters.formatted()) parameters, \(steps) steps of \(batch) x \(context) bytes",
                losses: losses, heldOutLoss: heldOutLoss, out: out))
        }
    }
}
