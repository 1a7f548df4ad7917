extension LlamaConfiguration {
    /// The decoder linears of one layer, by the path transformers gives them under `model.layers.N.`.
    public static let linearModuleNames = [
        "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
        "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj",
    ]

    /// The weight of the token embedding.
    public static let embeddingName = "model.embed_tokens.weight"
    /// The weight of the RMSNorm after the last layer.
    public static let finalNormName = "model.norm.weight"
    /// The weight of the output projection (absent from a folder when it is tied to the embedding).
    public static let outputName = "lm_head.weight"

    /// The module path of every decoder linear, such as `model.layers.0.self_attn.q_proj`, layer by layer.
    public var linearModulePaths: [String] {
        (0..<layerCount).flatMap { layer in Self.linearModuleNames.map { "model.layers.\(layer).\($0)" } }
    }

    /// The `[out, in]` shape of the decoder linear at `path` (a module path or its last part,
    /// such as `q_proj`), or nil when the model has no such linear.
    public func linearShape(_ path: String) -> [Int]? {
        let queryWidth = attentionHeadCount * headDimension
        let keyValueWidth = keyValueHeadCount * headDimension
        switch path.split(separator: ".").last {
        case "q_proj": return [queryWidth, hiddenSize]
        case "k_proj", "v_proj": return [keyValueWidth, hiddenSize]
        case "o_proj": return [hiddenSize, queryWidth]
        case "gate_proj", "up_proj": return [intermediateSize, hiddenSize]
        case "down_proj": return [hiddenSize, intermediateSize]
        default: return nil
        }
    }

    /// Every tensor `model.safetensors` holds for this model and its shape, in the order of the model:
    /// the embedding, each layer's norms and linears, the final norm, and `lm_head` unless tied.
    public var tensorShapes: [(name: String, shape: [Int])] {
        var shapes = [(Self.embeddingName, [vocabularySize, hiddenSize])]
        for layer in 0..<layerCount {
            let prefix = "model.layers.\(layer)."
            shapes.append((prefix + "input_layernorm.weight", [hiddenSize]))
            shapes += Self.linearModuleNames.prefix(4).map { (prefix + $0 + ".weight", linearShape($0) ?? []) }
            shapes.append((prefix + "post_attention_layernorm.weight", [hiddenSize]))
            shapes += Self.linearModuleNames.suffix(3).map { (prefix + $0 + ".weight", linearShape($0) ?? []) }
        }
        shapes.append((Self.finalNormName, [hiddenSize]))
        if !tieWordEmbeddings { shapes.append((Self.outputName, [vocabularySize, hiddenSize])) }
        return shapes
    }

    /// The number of parameters, counting a tied embedding once.
    public var parameterCount: Int {
        tensorShapes.reduce(0) { $0 + $1.shape.reduce(1, *) }
    }
}
