/// A Llama causal language model computed as transformers' `LlamaForCausalLM` computes it.
///
/// Tensors are addressed by transformers' names (`model.embed_tokens.weight`,
/// `model.layers.N.self_attn.q_proj.weight`, `model.layers.N.mlp.down_proj.weight`,
/// `model.layers.N.input_layernorm.weight`, `model.norm.weight`, `lm_head.weight`) and adapters by
/// peft's (`base_model.model.model.layers.N.self_attn.q_proj.lora_A.weight`), so a file maps 1:1.
///
/// - Make one: `LlamaModel(configuration:tensors:quantizedLinears:)` from a state dict (a 4-bit
///   checkpoint's linears as `FrozenBase.fourBit`), or `LlamaModel(configuration:seed:)` for
///   pretraining (transformers' init: N(0, `initializerRange`²) for linears and the embedding, ones
///   for norms). `namedTensors()` lists the float tensors back; `quantized(_:blocksize:doubleQuantization:)`
///   stores every decoder linear as bitsandbytes would (NF4, FP4, int4).
/// - Adapters (`LlamaModel+Adapters.swift`): `addAdapters(_:seed:)` attaches fresh peft-style LoRA
///   (`LlamaLoRASettings`: rank, alpha, rsLoRA, targets or `all-linear`), `loadAdapters(_:settings:)`
///   reads peft's tensors, `adapterTensors()` lists them, `merged()` folds them into the base
///   (re-quantizing a 4-bit base).
/// - Run it: `LlamaBatch(_:for:)` checks token ids; `LlamaWorkspace(for:batchSize:sequenceLength:training:threads:)`
///   is the buffer plan, made once per shape; `loss(_:workspace:)`, `logits(_:workspace:)`,
///   `lossAndGradients(_:workspace:)` (gradients then in `workspace.gradients()` by name);
///   `LlamaTrainer` does a whole AdamW step; `sample(prompt:count:temperature:topK:seed:)` generates.
///
/// Every result is the same bit for bit on any number of threads and any machine.
public struct LlamaModel {
    /// The model's shape.
    public let configuration: LlamaConfiguration
    /// `model.embed_tokens.weight`, `[vocab, hidden]`.
    public var embedding: Tensor
    /// `model.layers.N`.
    public var layers: [LlamaDecoderLayer]
    /// `model.norm.weight`, the final RMSNorm gain, `[hidden]`.
    public var finalNorm: Tensor
    /// `lm_head.weight`, `[vocab, hidden]`; nil when the head is tied to the embedding.
    public var head: Tensor?

    /// Creates a model from a state dict named as transformers names it.
    ///
    /// - Parameters:
    ///   - tensors: float tensors by name; a decoder linear given in `quantizedLinears` need not be here.
    ///     Extra names are ignored; `lm_head.weight` is not needed when the head is tied.
    ///   - quantizedLinears: decoder linears already stored packed (read from a 4-bit checkpoint), by
    ///     their weight's name.
    /// - Throws: `InputError` naming the first tensor that is missing or has the wrong shape.
    public init(
        configuration: LlamaConfiguration, tensors: [String: Tensor], quantizedLinears: [String: FrozenBase] = [:]
    ) throws {
        try configuration.validate()
        let c = configuration
        func tensor(_ name: String, _ shape: [Int]) throws -> Tensor {
            guard let value = tensors[name] else { throw InputError(name, "missing tensor, expected shape \(shape)") }
            guard value.shape == shape else { throw InputError(name, "expected shape \(shape), got \(value.shape)") }
            return value
        }
        self.configuration = configuration
        embedding = try tensor(Self.embeddingName, [c.vocabularySize, c.hiddenSize])
        layers = try (0..<c.layerCount).map { layer in
            let projections = try LlamaProjection.allCases.map { projection in
                let name = Self.weightName(projection, layer: layer)
                let shape = projection.shape(in: c)
                if let base = quantizedLinears[name] {
                    guard base.shape == shape else { throw InputError(name, "expected shape \(shape), got \(base.shape)") }
                    return LlamaLinear(base: base)
                }
                return LlamaLinear(base: .float32(try tensor(name, shape)))
            }
            return LlamaDecoderLayer(
                inputNorm: try tensor("model.layers.\(layer).input_layernorm.weight", [c.hiddenSize]),
                postAttentionNorm: try tensor("model.layers.\(layer).post_attention_layernorm.weight", [c.hiddenSize]),
                projections: projections)
        }
        finalNorm = try tensor(Self.finalNormName, [c.hiddenSize])
        head = c.tieWordEmbeddings ? nil : try tensor(Self.headName, [c.vocabularySize, c.hiddenSize])
    }

    /// A freshly initialised model, as transformers' `_init_weights` draws one: every linear and the
    /// embedding from N(0, `initializerRange`²), every norm gain one; seeded, so the same on every machine.
    ///
    /// - Throws: `InputError` for a configuration no model can have, or one too large for
    ///   `LlamaMemoryBudget` (source `model`).
    public init(configuration: LlamaConfiguration, seed: UInt64) throws {
        try configuration.validate()
        try LlamaMemoryBudget.check(floats: configuration.parameterCount, for: "a model of this shape", source: "model")
        let c = configuration
        var generator = SeededGenerator(seed: seed)
        let std = c.initializerRange
        func normal(_ shape: [Int]) -> Tensor {
            Tensor.normal(rows: shape[0], columns: shape[1], standardDeviation: std, using: &generator)
        }
        self.configuration = configuration
        embedding = normal([c.vocabularySize, c.hiddenSize])
        layers = (0..<c.layerCount).map { _ in
            LlamaDecoderLayer(
                inputNorm: Tensor(shape: [c.hiddenSize], repeating: 1),
                postAttentionNorm: Tensor(shape: [c.hiddenSize], repeating: 1),
                projections: LlamaProjection.allCases.map { LlamaLinear(base: .float32(normal($0.shape(in: c)))) })
        }
        finalNorm = Tensor(shape: [c.hiddenSize], repeating: 1)
        head = c.tieWordEmbeddings ? nil : normal([c.vocabularySize, c.hiddenSize])
    }
}

extension LlamaModel {
    static let embeddingName = "model.embed_tokens.weight"
    static let finalNormName = "model.norm.weight"
    static let headName = "lm_head.weight"

    /// transformers' name of a decoder linear's weight: `model.layers.N.self_attn.q_proj.weight`.
    public static func weightName(_ projection: LlamaProjection, layer: Int) -> String {
        "model.\(projection.path(layer: layer)).weight"
    }

    /// Every tensor of the model in float32, by transformers' name; a packed base appears dequantized.
    /// Adapters are not here (`adapterTensors()`); a tied head appears only as the embedding.
    public func namedTensors() -> [String: Tensor] {
        var tensors = [Self.embeddingName: embedding, Self.finalNormName: finalNorm]
        if let head { tensors[Self.headName] = head }
        for (index, layer) in layers.enumerated() {
            tensors["model.layers.\(index).input_layernorm.weight"] = layer.inputNorm
            tensors["model.layers.\(index).post_attention_layernorm.weight"] = layer.postAttentionNorm
            for projection in LlamaProjection.allCases {
                tensors[Self.weightName(projection, layer: index)] = layer[projection].base.dequantized()
            }
        }
        return tensors
    }

    /// The names `namedTensors()` uses, in the order transformers lists its parameters.
    public var tensorNames: [String] {
        var names = [Self.embeddingName]
        for index in layers.indices {
            names += LlamaProjection.allCases.map { Self.weightName($0, layer: index) }
            names += ["model.layers.\(index).input_layernorm.weight", "model.layers.\(index).post_attention_layernorm.weight"]
        }
        names.append(Self.finalNormName)
        if head != nil { names.append(Self.headName) }
        return names
    }

    /// Parameters of the model itself (not its adapters), as transformers counts them.
    public var parameterCount: Int {
        // The tensors exist, so their count fits an Int.
        configuration.parameterCount.value ?? .max
    }
}

extension LlamaModel: Sendable {}
