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
        case bitsandbytes, peft, unsloth, adapter, merge

        public var summary: String {
            switch self {
            case .bitsandbytes: "Loading the 4-bit base with transformers' `BitsAndBytesConfig`."
            case .peft: "Adding the adapters with peft's `LoraConfig`, and the line `print_trainable_parameters()` prints."
            case .unsloth: "Both with Unsloth's `FastLanguageModel`."
            case .adapter: "Saving the adapter with `save_pretrained`: its two files, their tensors and sizes, for `model` and for the shipped tiny Llama."
            case .merge: "Folding the adapter into a 16-bit copy of the base with `merge_and_unload`."
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
        case adapterTensors = "adapter_tensors"
        case adapterTensorMB = "adapter_tensor_mb"
        case tinyAdapterTensors = "tiny_adapter_tensors"
        case tinyAdapterParameters = "tiny_adapter_params"
        case tinyAdapterFileBytes = "tiny_adapter_file_bytes"
        case tinyAdapterHeaderBytes = "tiny_adapter_header_bytes"
        case tinyAdapterConfigBytes = "tiny_adapter_config_bytes"

        public var name: String { rawValue }

        public var summary: String {
            switch self {
            case .scaling: "The adapter's scaling: alpha / r, or alpha / sqrt(r) with rsLoRA."
            case .trainableParameters: "The trainable parameters peft reports."
            case .trainablePercent: "Their share, as peft prints it."
            case .allParameters: "All parameters as peft counts them, adapters included."
            case .baseBitsPerParameter: "Bits per quantized weight, codes and absmax constants together."
            case .baseGB: "The loaded base: packed weights, constants and the 16-bit rest, in GB."
            case .adapterTensors: "Tensors in `model`'s `adapter_model.safetensors`: an A and a B per adapted layer."
            case .adapterTensorMB: "Their float32 bytes in MB (10^6 bytes); the JSON header adds a few kB."
            case .tinyAdapterTensors: "Tensors in the tiny Llama's adapter file, written by the engine."
            case .tinyAdapterParameters: "Values in those tensors."
            case .tinyAdapterFileBytes: "Bytes of the tiny Llama's `adapter_model.safetensors`, header included."
            case .tinyAdapterHeaderBytes: "Bytes of its length prefix and JSON header."
            case .tinyAdapterConfigBytes: "Bytes of its `adapter_config.json`."
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
            # Every linear layer inside the decoder blocks is now Linear4bit (bitsandbytes' blocks of 64).
            # Embeddings and norms stay 16-bit, and so does lm_head: transformers keeps the output layer out of
            # the conversion (get_keys_to_not_convert; llm_int8_skip_modules to choose others).
            # Left out, BitsAndBytesConfig would pick fp4, no double quantization and float32 compute.
            """
        let peft = """
            from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training

            # Freezes the base, casts every parameter that is not 4-bit (embeddings, norms, lm_head) to float32,
            # and turns gradient checkpointing on unless told not to.
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
            # \(counts.printedLine)
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

        let adapterTensors = 2 * targets.count * model.layers
        // Writing the tiny Llama's adapter is the one costly part: only when its results or table are asked for.
        let tinyResults: [ResultKey] = [.tinyAdapterTensors, .tinyAdapterParameters, .tinyAdapterFileBytes, .tinyAdapterHeaderBytes, .tinyAdapterConfigBytes]
        let tiny = request.wants(.adapter) || request.wants(any: tinyResults)
            ? try Self.tinyAdapterFile(rank: rank, alpha: alpha, rsLoRA: rsLoRA, targets: targets) : nil
        let adapterBytes = MemoryEstimate.adapterBytesPerParameter * counts.trainable
        let firstModule = targets[0]
        let firstBlock = firstModule == .qProj || firstModule == .kProj || firstModule == .vProj || firstModule == .oProj ? "self_attn" : "mlp"
        let firstName = "base_model.model.model.layers.0.\(firstBlock).\(firstModule.rawValue)"
        let adapter = """
            model.save_pretrained("my-adapter")
            # my-adapter/adapter_config.json: r=\(rank), lora_alpha=\(alpha), target_modules, base_model_name_or_path, ...
            # my-adapter/adapter_model.safetensors: \(NumberFormat.count(adapterTensors)) float32 tensors, \(NumberFormat.bytes(Double(adapterBytes))) plus a JSON header
            #   \(firstName).lora_A.weight  [\(rank), \(firstModule.inFeatures(in: model))]
            #   \(firstName).lora_B.weight  [\(firstModule.outFeatures(in: model)), \(rank)]
            #   ... an A and a B for each of the \(targets.count) adapted layers in each of the \(model.layers) blocks
            # Only the adapters are saved: to use them, load the base again and attach them.
            from peft import PeftModel
            model = PeftModel.from_pretrained(base_model, "my-adapter")
            """
        let merge = """
            import torch
            from transformers import AutoModelForCausalLM
            from peft import PeftModel

            # A 16-bit base, not the 4-bit one: the merged weights must be stored in a format that can hold them.
            base_model = AutoModelForCausalLM.from_pretrained("\(hubName)", dtype=torch.bfloat16)
            model = PeftModel.from_pretrained(base_model, "my-adapter")
            model = model.merge_and_unload()  # W += scaling * B @ A in every adapted layer; the adapters are gone
            model.save_pretrained("merged")    # a plain model again: \(NumberFormat.bytes(Double(2 * model.parameterCount))) in bfloat16
            """

        var run = SectionRun<Self>()
        run.results = [
            .scaling: scaling,
            .trainableParameters: Double(counts.trainable),
            .trainablePercent: counts.percent,
            .allParameters: Double(counts.all),
            .baseBitsPerParameter: 4 + 8 * Double(constants) / Double(model.quantizedParameters),
            .baseGB: Double(base.weightBytes(of: model) + constants) / 1e9,
            .adapterTensors: Double(adapterTensors),
            .adapterTensorMB: Double(adapterBytes) / 1e6,
        ]
        if let tiny {
            run.results[.tinyAdapterTensors] = Double(tiny.tensors)
            run.results[.tinyAdapterParameters] = Double(tiny.parameters)
            run.results[.tinyAdapterFileBytes] = Double(tiny.fileBytes)
            run.results[.tinyAdapterHeaderBytes] = Double(tiny.headerBytes)
            run.results[.tinyAdapterConfigBytes] = Double(tiny.configBytes)
        }
        let code: [OutputKey: String] = [.bitsandbytes: bitsandbytes, .peft: peft, .unsloth: unsloth, .adapter: adapter, .merge: merge]
        for key in request.outputs {
            run.outputs[key] = code[key].map { [.text($0)] }
            if key == .adapter, let tiny {
                run.outputs[key]?.append(.table(OutputTable(
                    title: "The shipped tiny Llama's adapter with the same settings, written by the engine",
                    headers: ["file", "holds", "bytes"], alignments: [.left, .left, .right],
                    rows: [
                        [PeftAdapter.weightsFileName, "\(tiny.tensors) float32 tensors, \(NumberFormat.count(tiny.parameters)) values",
                         NumberFormat.count(tiny.fileBytes)],
                        ["  of which the header", "length prefix and JSON: names, dtypes, shapes, offsets", NumberFormat.count(tiny.headerBytes)],
                        [PeftAdapter.configFileName, "LoraConfig as JSON", NumberFormat.count(tiny.configBytes)],
                    ])))
            }
        }
        return run
    }

    /// The shipped tiny Llama's adapter with these settings, encoded as peft's `save_pretrained` writes it.
    static func tinyAdapterFile(rank: Int, alpha: Int, rsLoRA: Bool, targets: [LinearModule]) throws
        -> (tensors: Int, parameters: Int, fileBytes: Int, headerBytes: Int, configBytes: Int)
    {
        var model = try ShippedModels.model()
        let projections = targets.compactMap { LlamaProjection(moduleName: $0.rawValue) }
        let settings = LlamaLoRASettings(
            lora: LoRALinear.Configuration(rank: rank, alpha: Float(alpha), rankStabilized: rsLoRA), targets: projections)
        try model.addAdapters(settings, seed: 0)
        guard let adapter = PeftAdapter(of: model) else { return (0, 0, 0, 0, 0) }
        let file = SafetensorsFile.encode(adapter.tensors.mapValues(StoredArray.init), metadata: ["format": "pt"])
        let tensorBytes = adapter.tensors.values.reduce(0) { $0 + 4 * $1.count }
        return (adapter.tensors.count, adapter.parameterCount, file.count, file.count - tensorBytes,
                adapter.configuration.adapterConfigJSON.count)
    }

    /// A Swift boolean as Python spells it.
    static func python(_ value: Bool) -> String { value ? "True" : "False" }
}
