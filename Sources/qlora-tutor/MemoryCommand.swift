import ArgumentParser
import QLoRAEngine

/// `qlora-tutor memory`: the GPU memory to fine-tune a real architecture, part by part, beside the
/// notebook's simplified table.
struct MemoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory",
        abstract: "The memory table: what fine-tuning a real architecture holds on the GPU, part by part.",
        discussion: """
            Methods: full (fp32 Adam and mixed-precision Adam with fp32 master weights), lora (16-bit base), \
            qlora (4-bit base), or all of them side by side. Parts: weights, quantization constants, adapter \
            weights, gradients, optimizer states, activations and the total, in bytes, GB (10^9) and GiB (2^30); \
            the trainable parameters as peft prints them; the common GPU sizes that hold the total; and the \
            notebook's 7B table with the reason each number differs. Activations are counted tensor by tensor \
            as PyTorch keeps them for a transformers Llama under peft, in the setting named in the output \
            (attention, recipe, checkpointing, dtypes). --config reads any Llama-family config.json instead of \
            a known model. --json prints the same as one object (see the README for its shape).
            """
    )

    @Option(help: "The architecture (see --list-models).")
    var model: String?

    @Option(help: "A transformers config.json of a Llama-family model (llama, mistral, qwen2), instead of --model.")
    var config: String?

    @Flag(help: "List the known architectures and exit.")
    var listModels = false

    @Option(help: "full, lora, qlora or all.")
    var method = "all"

    @Option(parsing: .unconditional, help: "LoRA rank r.")
    var rank = 8

    @Option(parsing: .unconditional, help: "LoRA alpha; the adapter is scaled by alpha / r.")
    var alpha = 8.0

    @Option(help: "Adapted modules: peft names (q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj) or all-linear.")
    var targets = "q_proj,v_proj"

    @Option(parsing: .unconditional, help: "Sequences per step.")
    var batch = 1

    @Option(parsing: .unconditional, help: "Tokens per sequence.")
    var seq = 512

    @Flag(help: "Recompute each decoder block's activations in the backward pass.")
    var gradCheckpointing = false

    @Option(help: "Attention implementation: sdpa (transformers' default) or eager.")
    var attention = "sdpa"

    @Option(help: "lora (bfloat16 base) or qlora (prepare_model_for_kbit_training: float32 beside the 4-bit weights); default: each method's own.")
    var recipe: String?

    @Option(help: "adam, adam-8bit or sgd.")
    var optimizer = "adam"

    @Option(help: "QLoRA's 4-bit type: nf4 or fp4.")
    var quantType = "nf4"

    @Option(parsing: .unconditional, help: "QLoRA's values per absmax block.")
    var blocksize = 64

    @Flag(inversion: .prefixedNo, help: "Quantize QLoRA's absmax scales to 8 bits.")
    var doubleQuant = true

    @Flag(help: "Print one JSON object instead of tables.")
    var json = false

    func run() throws {
        if listModels {
            print(json ? try Self.modelsJSON() : Self.modelsText())
            return
        }
        let estimates = try makeEstimates()
        print(json ? try Self.reportJSON(estimates) : Self.text(estimates))
    }

    /// The estimates the flags ask for, with any engine error's source turned into its flag.
    func makeEstimates() throws(InputError) -> [MemoryEstimate] {
        // A config file's errors name the file (and line); every other error names its flag.
        let fileArchitecture = try config.map { path throws(InputError) in try ModelArchitecture(configFile: path) }
        do throws(InputError) {
            let architecture: ModelArchitecture
            switch (model, fileArchitecture) {
            case (nil, nil): throw InputError("model", "expected a model name (see --list-models) or --config")
            case (.some, .some): throw InputError("config", "expected either --model or --config, not both")
            case (.some(let model), nil): architecture = try ModelArchitecture.named(model)
            case (nil, .some(let fromFile)): architecture = fromFile
            }
            let methods = try self.methods()
            let chosenTargets = try LinearModule.targets(targets)
            let chosenOptimizer = try MemoryEstimate.Optimizer(named: optimizer)
            let chosenAttention = try MemoryEstimate.Attention(named: attention)
            let chosenRecipe = try recipe.map { name throws(InputError) in try MemoryEstimate.Recipe(named: name) }
            return try methods.map { method throws(InputError) in
                try MemoryEstimate(
                    .init(
                        model: architecture, method: method, rank: rank, alpha: alpha, targets: chosenTargets,
                        batch: batch, sequenceLength: seq, gradientCheckpointing: gradCheckpointing,
                        optimizer: chosenOptimizer, attention: chosenAttention, recipe: chosenRecipe))
            }
        } catch {
            throw InputError("--\(error.source)", error.message)
        }
    }

    /// The methods `--method` names, QLoRA with the 4-bit flags.
    private func methods() throws(InputError) -> [MemoryEstimate.Method] {
        guard let dataType = MemoryEstimate.FourBitBase.DataType(rawValue: quantType) else {
            throw InputError("quant-type", "unknown 4-bit type '\(quantType)'; expected nf4 or fp4")
        }
        let qlora = MemoryEstimate.Method.qlora(
            .init(dataType: dataType, blocksize: blocksize, doubleQuantization: doubleQuant))
        switch method {
        case "full": return [.fullFP32, .fullMixedPrecision]
        case "lora": return [.lora]
        case "qlora": return [qlora]
        case "all": return [.fullFP32, .fullMixedPrecision, .lora, qlora]
        default: throw InputError("method", "unknown method '\(method)'; expected one of: full, lora, qlora, all")
        }
    }
}
