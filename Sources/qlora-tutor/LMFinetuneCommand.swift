import ArgumentParser
import Foundation
import QLoRAEngine

/// `qlora-tutor lm finetune`: full fine-tuning, LoRA or QLoRA of a Llama folder on a text.
struct LMFinetuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finetune",
        abstract: "Fine-tune a Llama folder on a text: every weight, or a LoRA adapter over a float or 4-bit base.",
        discussion: """
            full trains every tensor and writes a model folder. lora trains a peft LoRA adapter \
            (A kaiming-uniform, B zero, scaling alpha / r) over the frozen float32 base; qlora-nf4, \
            qlora-fp4 and qlora-int4 first store every decoder linear in 4 bits, in blocks of 64 (NF4 \
            and FP4 with double quantization, as QLoRA does), and train the adapter over that base. \
            Both write a peft adapter folder; evaluate it with lm eval MODEL_DIR --adapter OUT, adding \
            --quantize nf4 --double-quant (or fp4, or int4 without --double-quant) for a QLoRA adapter. \
            Batches of --batch windows of --context bytes are drawn at random starts, seeded by --seed, \
            which seeds the adapter too; AdamW at a constant --lr.
            """
    )

    /// How the model is fine-tuned.
    enum Method: String, CaseIterable, ExpressibleByArgument {
        case full, lora
        case qlora_nf4 = "qlora-nf4", qlora_fp4 = "qlora-fp4", qlora_int4 = "qlora-int4"

        /// The format the base is stored in while the adapter trains; nil keeps it as read.
        var baseFormat: FrozenBase.Format? {
            switch self {
            case .full, .lora: nil
            case .qlora_nf4: .nf4
            case .qlora_fp4: .fp4
            case .qlora_int4: .int4
            }
        }
    }

    @Argument(help: "A Hugging Face Llama folder: config.json and model.safetensors.")
    var model: String

    @Option(help: "The training text, read as bytes.")
    var data: String

    @Option(help: "full, lora, qlora-nf4, qlora-fp4 or qlora-int4.")
    var method: Method

    @Option(help: "The folder to write: a model folder (full) or a peft adapter folder.")
    var out: String

    @Option(help: "A text to report the loss on before and after (not trained on).")
    var heldOut: String?

    @Option(help: "LoRA's rank r.") var rank = 8
    @Option(help: "LoRA's alpha: the adapter's output is scaled by alpha / r.") var alpha: Float = 16
    @Option(help: "Comma-separated target modules (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj), or all-linear.")
    var targets = "all-linear"
    @Option(help: "Training steps.") var steps = 300
    @Option(help: "Windows per step.") var batch = 16
    @Option(help: "Tokens per window (default and at most: the model's max_position_embeddings).") var context: Int?
    @Option(help: "AdamW's learning rate.") var lr: Float = 1e-3
    @Option(help: "Seeds the adapter and the batches.") var seed: UInt64 = 0

    @Flag(help: "Print one JSON object: the settings, every step's loss, the held-out losses.")
    var json = false

    /// What `--json` prints.
    struct Report: Encodable {
        var out: String
        var method: String
        var trainableParameters: Int
        var steps, batch, context: Int
        var learningRate: Float
        var seed: UInt64
        var rank: Int?
        var alpha: Float?
        var targetModules: [String]?
        var losses: [Float]
        var heldOutLossBefore: Double?
        var heldOutLossAfter: Double?
    }

    func run() throws {
        try LMTrainingFlags.validate(steps: steps, batch: batch, lr: lr)
        try LMTrainingFlags.checkOut(out, isNoneOf: [self.model, data, heldOut])
        let corpus = try ByteCorpus(path: data)
        let heldOut = try self.heldOut.map { try ByteCorpus(path: $0) }
        var model = try LlamaModel(folder: self.model)
        let context = self.context ?? model.configuration.maxPositionEmbeddings
        if self.context == nil, context < 2 {
            throw InputError(
                URL(fileURLWithPath: self.model).appendingPathComponent(LlamaModel.configFileName).path,
                "max_position_embeddings is \(context); expected at least 2 to train on, or give --context")
        }
        guard context >= 2, context <= model.configuration.maxPositionEmbeddings else {
            throw InputError(
                "--context", "expected 2 to max_position_embeddings = \(model.configuration.maxPositionEmbeddings) tokens, got \(context)")
        }
        try corpus.checkWindow(length: context)
        let settings = method == .full ? nil : try adapterSettings()
        // The whole run is counted before the base is quantized or anything is evaluated.
        try LMTrainingFlags.naming(["rank": "--rank", "batch": "--batch, --context"]) {
            try settings?.checkMemory(in: model.configuration)
            try LlamaWorkspace.checkMemory(
                configuration: model.configuration, adapterValues: settings?.checkedValueCount(in: model.configuration) ?? 0,
                largestRank: settings?.lora.rank ?? 0, batchSize: batch, sequenceLength: context,
                training: method == .full ? .full : .adapters)
        }
        if let settings {
            if let format = method.baseFormat {
                model = try quantizedBase(model, format)
            }
            try LMTrainingFlags.naming(["rank": "--rank"]) { try model.addAdapters(settings, seed: seed) }
        } else if model.layers.contains(where: { layer in layer.projections.contains { $0.base.format != .float32 } }) {
            throw InputError("--method", "full fine-tuning needs a float model; \(self.model) is quantized (use lora or qlora-*)")
        }
        func heldOutLoss(_ model: LlamaModel) throws -> Double? {
            try heldOut.map { try model.evaluate($0.windows(length: context), threads: LMThreads.count, source: $0.source).loss }
        }
        let before = try heldOutLoss(model)
        var trainer = try LMTrainingFlags.naming(["batch": "--batch, --context"]) {
            try LlamaTrainer(
                model: model, batchSize: batch, sequenceLength: context, training: method == .full ? .full : .adapters,
                optimizer: .adamW(learningRate: lr), threads: LMThreads.count)
        }
        let progress = LMProgress(method.rawValue, steps: steps)
        let losses = try LMTrainingFlags.training(into: out, progress: progress) {
            try trainer.train(on: corpus, steps: steps, seed: seed &+ 1, progress: progress.step)
        }
        let after = try heldOutLoss(trainer.model)

        let trainable: Int
        if settings != nil {
            guard let adapter = PeftAdapter(of: trainer.model, baseModelNameOrPath: self.model) else { return }
            try adapter.write(folder: out)
            trainable = adapter.parameterCount
        } else {
            try trainer.model.write(folder: out)
            trainable = trainer.model.parameterCount
        }
        let report = Report(
            out: out, method: method.rawValue, trainableParameters: trainable, steps: steps, batch: batch, context: context,
            learningRate: lr, seed: seed, rank: settings?.lora.rank, alpha: settings?.lora.alpha,
            targetModules: settings?.targetModules, losses: losses, heldOutLossBefore: before, heldOutLossAfter: after)
        if json {
            print(try CommandOutput.json(report))
        } else {
            var headline = "\(method.rawValue): \(trainable.formatted()) trainable parameters, \(steps) steps of \(batch) x \(context) bytes"
            if let before { headline += "\nheld-out loss before \(String(format: "%.4f", before)) nats per byte" }
            print(LMTrainingFlags.summary(headline, losses: losses, heldOutLoss: after, out: out))
        }
    }

    /// The adapter the flags describe.
    func adapterSettings() throws -> LlamaLoRASettings {
        let lora = LoRALinear.Configuration(rank: rank, alpha: alpha)
        guard rank >= 1 else { throw InputError("--rank", "expected a positive integer, got \(rank)") }
        guard alpha.isFinite, alpha > 0 else { throw InputError("--alpha", "expected a positive number, got \(alpha)") }
        let names = targets.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.contains("") else {
            throw InputError("--targets", "has an empty module name; expected names separated by single commas")
        }
        do {
            return try LlamaLoRASettings(lora: lora, targetModules: names)
        } catch let error as InputError {
            throw InputError("--targets", error.message)
        }
    }

    /// The model with its base stored as QLoRA stores it: blocks of 64, NF4 and FP4 double-quantized.
    /// A base already in that format (a 4-bit checkpoint) is used as it is.
    func quantizedBase(_ model: LlamaModel, _ format: FrozenBase.Format) throws -> LlamaModel {
        let formats = Set(model.layers.flatMap { $0.projections.map(\.base.format) })
        if formats == [format] { return model }
        guard formats == [.float32] else {
            throw InputError("--method", "\(method.rawValue) needs a float model or a \(format.rawValue) one; \(self.model) holds \(formats.map(\.rawValue).sorted().joined(separator: ", "))")
        }
        return try model.quantized(format, blocksize: 64, doubleQuantization: format != .int4)
    }
}
