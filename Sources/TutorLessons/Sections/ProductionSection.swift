import Foundation
import QLoRAEngine

/// The `production` section: the learner's choices written out as the Python settings of
/// bitsandbytes (through transformers), peft and Unsloth. The code is text to read; nothing runs it.
public struct ProductionSection: LessonSection {
    public init() {}

    public let name = "production"
    public let summary = "The block's choices as Python code for BitsAndBytesConfig, peft's LoraConfig and Unsloth's FastLanguageModel."

    /// Where each known architecture is published on the Hugging Face Hub.
    static let hubNames: [String: String] = [
        "llama-2-7b": "meta-llama/Llama-2-7b-hf", "llama-2-13b": "meta-llama/Llama-2-13b-hf",
        "llama-2-70b": "meta-llama/Llama-2-70b-hf", "llama-3-8b": "meta-llama/Meta-Llama-3-8B",
        "llama-3.2-1b": "meta-llama/Llama-3.2-1B", "llama-3.2-3b": "meta-llama/Llama-3.2-3B",
        "mistral-7b": "mistralai/Mistral-7B-v0.1", "qwen2.5-7b": "Qwen/Qwen2.5-7B", "llama-65b": "huggyllama/llama-65b",
    ]

    public var parameters: [ParameterSpec] {
        let powersOfTwo = { (upTo: Int) in ParameterDomain.numbers((0...upTo).map { pow(2, Double($0)) }) }
        return [
            ParameterSpec(
                name: "model", summary: "The architecture; the code names its Hub repository.",
                domain: .choices(ModelArchitecture.known.map(\.name)), defaultValue: .word("llama-2-7b")),
            ParameterSpec(
                name: "quant_type", summary: "`bnb_4bit_quant_type`: the 4-bit codebook.",
                domain: .choices(FourBitType.allCases.map(\.rawValue)), defaultValue: .word("nf4")),
            .flag(name: "double_quant", summary: "`bnb_4bit_use_double_quant`: quantize the absmax constants.", defaultValue: true),
            ParameterSpec(
                name: "compute_dtype", summary: "`bnb_4bit_compute_dtype`: what the base is dequantized into for matmuls.",
                domain: .choices(["bfloat16", "float16", "float32"]), defaultValue: .word("bfloat16")),
            ParameterSpec(name: "rank", summary: "LoRA's `r`.", domain: powersOfTwo(8), defaultValue: .number(16)),
            ParameterSpec(name: "alpha", summary: "`lora_alpha`; the adapter is scaled by alpha / r.", domain: powersOfTwo(9), defaultValue: .number(16)),
            ParameterSpec(
                name: "dropout", summary: "`lora_dropout` on the adapter's input.",
                domain: .numbers([0, 0.05, 0.1]), defaultValue: .number(0)),
            ParameterSpec(
                name: "targets", summary: "`target_modules`.",
                domain: .choices(MemoryTableSection.targetSets.map(\.targets)), defaultValue: .word(LinearModule.allLinearName)),
            .flag(name: "use_rslora", summary: "`use_rslora`: scale by alpha / sqrt(r) instead.", defaultValue: false),
            .flag(name: "gradient_checkpointing", summary: "Recompute activations in the backward pass.", defaultValue: true),
            ParameterSpec(
                name: "max_seq_length", summary: "Unsloth's `max_seq_length`.", domain: powersOfTwo(15), defaultValue: .number(2048)),
        ]
    }

    /// What the `production` section can show.
    public enum OutputKey: String, SectionOutputKey {
        case bitsandbytes, peft, unsloth

        public var summary: String {
            switch self {
            case .bitsandbytes: "Loading the 4-bit base with transformers' `BitsAndBytesConfig`."
            case .peft: "Adding the adapters with peft's `LoraConfig`, and the line `print_trainable_parameters()` prints."
            case .unsloth: "Both with Unsloth's `FastLanguageModel`."
            }
        }
    }

    /// The numbers the `production` section takes from the engine's counts for `model`.
    public enum ResultKey: String, SectionResultKey {
        case scaling
        case trainableParameters = "trainable_params"
        case trainablePercent = "trainable_percent"
        case allParameters = "all_params"
        case baseBitsPerParameter = "base_bits_per_param"
        case baseGB = "base_gb"

        public var name: String { rawValue }

        public var summary: String {
            switch self {
            case .scaling: "The adapter's scaling: alpha / r, or alpha / sqrt(r) with rsLoRA."
            case .trainableParameters: "The trainable parameters peft reports."
            case .trainablePercent: "Their share, as peft prints it."
            case .allParameters: "All parameters as peft counts them, adapters included."
            case .baseBitsPerParameter: "Bits per quantized weight, codes and absmax constants together."
            case .baseGB: "The loaded base: packed weights, constants and the 16-bit rest, in GB."
            }
        }

        public var provenance: ResultProvenance { self == .scaling ? .given : .measured }
    }

    public func run(
        _ parameters: ParameterValues, request: SectionRequest<Self>, progress: (SectionProgress) -> Void, isCancelled: () -> Bool
    ) throws -> SectionRun<Self> {
        try checkCancellation(isCancelled)
        let model = try ModelArchitecture.named(try parameters.word("model"))
        let hubName = Self.hubNames[model.name] ?? model.name
        let rank = try parameters.integer("rank")
        let alpha = try parameters.integer("alpha")
        let rsLoRA = try parameters.flag("use_rslora")
        let scaling = rsLoRA ? Double(alpha) / Double(rank).squareRoot() : Double(alpha) / Double(rank)
        let targets = try LinearModule.targets(try parameters.word("targets"))
        let targetList = "[" + targets.map { "\"\($0.rawValue)\"" }.joined(separator: ", ") + "]"
        let dropout = NumberFormat.decimal(try parameters.number("dropout"))
        let checkpointing = try parameters.flag("gradient_checkpointing")
        let dataType = try parameters.choice("quant_type", as: MemoryEstimate.FourBitBase.DataType.self)
        let quantType = dataType.rawValue
        let doubleQuant = try parameters.flag("double_quant")
        let computeDtype = try parameters.word("compute_dtype")

        let base = MemoryEstimate.FourBitBase(dataType: dataType, blocksize: 64, doubleQuantization: doubleQuant)
        let constants = base.quantizationConstantBytes(of: model)
        let counts = TrainableParameters.lora(model, rank: rank, targets: targets)

        let bitsandbytes = """
            import torch
            from transformers import AutoModelForCausalLM, BitsAndBytesConfig

            bnb_config = BitsAndBytesConfig(
                load_in_4bit=True,
                bnb_4bit_quant_type="\(quantType)",
                bnb_4bit_use_double_quant=\(Self.python(doubleQuant)),
                bnb_4bit_compute_dtype=torch.\(computeDtype),
            )
            model = AutoModelForCausalLM.from_pretrained(
                "\(hubName)",
                quantization_config=bnb_config,
                device_map="auto",
            )
            # Every linear layer inside the decoder blocks is now Linear4bit (bitsandbytes' default blocks of 64);
            # embeddings, norms and lm_head stay in 16 bits.
            """
        let peft = """
            from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training

            model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=\(Self.python(checkpointing)))
            lora_config = LoraConfig(
                r=\(rank),
                lora_alpha=\(alpha),
                lora_dropout=\(dropout),
                target_modules=\(targetList),
                use_rslora=\(Self.python(rsLoRA)),
                bias="none",
                task_type="CAUSAL_LM",
            )
            model = get_peft_model(model, lora_config)
            model.print_trainable_parameters()
            # \(counts.peftLine)
            # scaling = lora_alpha / \(rsLoRA ? "sqrt(r)" : "r") = \(NumberFormat.decimal(scaling))
            """
        var unslothNotes: [String] = []
        if quantType != "nf4" || !doubleQuant {
            unslothNotes.append("# Note: load_in_4bit in Unsloth means NF4 with double quantization, not the \(quantType)\(doubleQuant ? "" : " without double quantization") chosen above.")
        }
        let unsloth = """
            import torch
            from unsloth import FastLanguageModel

            model, tokenizer = FastLanguageModel.from_pretrained(
                model_name="\(hubName)",
                max_seq_length=\(try parameters.integer("max_seq_length")),
                dtype=\(computeDtype == "float32" ? "None,  # Unsloth computes in bfloat16 or float16, whichever the GPU has" : "torch.\(computeDtype),")
                load_in_4bit=True,
            )
            model = FastLanguageModel.get_peft_model(
                model,
                r=\(rank),
                lora_alpha=\(alpha),
                lora_dropout=\(dropout),
                target_modules=\(targetList),
                bias="none",
                use_rslora=\(Self.python(rsLoRA)),
                use_gradient_checkpointing=\(checkpointing ? "\"unsloth\"" : "False"),
            )
            """ + (unslothNotes.isEmpty ? "" : "\n" + unslothNotes.joined(separator: "\n"))

        var run = SectionRun<Self>()
        run.results = [
            .scaling: scaling,
            .trainableParameters: Double(counts.trainable),
            .trainablePercent: counts.percent,
            .allParameters: Double(counts.all),
            .baseBitsPerParameter: 4 + 8 * Double(constants) / Double(model.quantizedParameters),
            .baseGB: Double(base.weightBytes(of: model) + constants) / 1e9,
        ]
        let code: [OutputKey: String] = [.bitsandbytes: bitsandbytes, .peft: peft, .unsloth: unsloth]
        for key in request.outputs { run.outputs[key] = code[key].map { [.text($0)] } }
        return run
    }

    /// A Swift boolean as Python spells it.
    static func python(_ value: Bool) -> String { value ? "True" : "False" }
}
