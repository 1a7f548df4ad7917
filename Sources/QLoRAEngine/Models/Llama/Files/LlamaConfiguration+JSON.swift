import Foundation

extension LlamaConfiguration {
    /// The `model_type` transformers writes for a Llama model.
    public static let modelType = "llama"

    /// Reads a `config.json` as transformers' `LlamaConfig` does; `source` names the file in errors.
    ///
    /// Missing keys take `LlamaConfig`'s defaults, except the five that fix the tensors' shapes
    /// (vocabulary, hidden, intermediate, layers, heads), which a real folder always has. The rotary
    /// base is read from `rope_parameters.rope_theta`, as transformers 5 writes it, or from a
    /// top-level `rope_theta`, as older versions do. Settings the engine does not compute (biases,
    /// another activation, scaled rotary positions) are refused rather than silently ignored.
    /// - Throws: `InputError` naming the file and the key.
    public init(configJSON bytes: Data, source: String) throws {
        let config = try JSONObject(decoding: bytes, source: source)
        let modelType = try config.string("model_type")
        guard modelType == Self.modelType else {
            throw InputError(
                source, "model_type is \(modelType.map { "'\($0)'" } ?? "missing"); expected '\(Self.modelType)' (a LlamaForCausalLM)")
        }
        try config.require("hidden_act", toBe: .string("silu"), because: "Llama's MLP is SwiGLU")
        try config.require("attention_bias", toBe: .bool(false), because: "the engine's attention has no biases")
        try config.require("mlp_bias", toBe: .bool(false), because: "the engine's MLP has no biases")
        try config.require("rope_scaling", toBe: .null, because: "the engine computes unscaled rotary positions")

        var ropeTheta = try config.number("rope_theta", default: 10_000)
        if let rope = try config.object("rope_parameters") {
            try rope.require("rope_type", toBe: .string("default"), because: "the engine computes unscaled rotary positions")
            ropeTheta = try rope.number("rope_theta", default: ropeTheta)
        }
        // The engine computes in float32: a value that rounds there to zero or infinity is no base.
        guard Float(ropeTheta).isFinite, Float(ropeTheta) > 0 else {
            throw InputError(source, "rope_theta is \(ropeTheta); expected a positive number a float32 holds (1e-38 to 3e38)")
        }

        let hiddenSize = try config.integer("hidden_size")
        let heads = try config.integer("num_attention_heads")
        let keyValueHeads = try config.integer("num_key_value_heads", default: heads)
        guard heads % keyValueHeads == 0 else {
            throw InputError(
                source, "num_attention_heads \(heads) is not a multiple of num_key_value_heads \(keyValueHeads); expected whole groups of query heads")
        }
        let headDimension = try config.integer("head_dim", default: hiddenSize / heads)
        guard headDimension >= 2, headDimension % 2 == 0 else {
            throw InputError(source, "head_dim is \(headDimension); expected an even width >= 2, which rotary embedding pairs up")
        }
        let epsilon = try config.number("rms_norm_eps", default: 1e-6)
        guard Float(epsilon).isFinite, Float(epsilon) > 0 else {
            throw InputError(source, "rms_norm_eps is \(epsilon); expected a positive number a float32 holds (1e-38 to 3e38)")
        }

        self.init(
            vocabularySize: try config.integer("vocab_size"), hiddenSize: hiddenSize,
            intermediateSize: try config.integer("intermediate_size"), layerCount: try config.integer("num_hidden_layers"),
            attentionHeadCount: heads, keyValueHeadCount: keyValueHeads, headDimension: headDimension,
            maxPositionEmbeddings: try config.integer("max_position_embeddings", default: 2048),
            rmsNormEpsilon: Float(epsilon), ropeTheta: Float(ropeTheta),
            tieWordEmbeddings: try config.bool("tie_word_embeddings", default: false))
        // Before any shape is multiplied out from these values.
        do {
            try validate()
        } catch let error as InputError {
            throw InputError(source, "\(error.source): \(error.message)")
        }
    }

    /// The keys transformers 5 writes in `config.json` for this model, in float32.
    var configFields: [String: JSONObject.Value] {
        [
            "architectures": .strings(["LlamaForCausalLM"]),
            "attention_bias": .bool(false),
            "attention_dropout": .number(0),
            "bos_token_id": .null,
            "dtype": .string("float32"),
            "eos_token_id": .null,
            "head_dim": .integer(headDimension),
            "hidden_act": .string("silu"),
            "hidden_size": .integer(hiddenSize),
            "initializer_range": .number(0.02),
            "intermediate_size": .integer(intermediateSize),
            "max_position_embeddings": .integer(maxPositionEmbeddings),
            "mlp_bias": .bool(false),
            "model_type": .string(Self.modelType),
            "num_attention_heads": .integer(attentionHeadCount),
            "num_hidden_layers": .integer(layerCount),
            "num_key_value_heads": .integer(keyValueHeadCount),
            "pad_token_id": .null,
            "pretraining_tp": .integer(1),
            "rms_norm_eps": .float(rmsNormEpsilon),
            "rope_parameters": .object(["rope_theta": .float(ropeTheta), "rope_type": .string("default")]),
            "tie_word_embeddings": .bool(tieWordEmbeddings),
            "use_cache": .bool(true),
            "vocab_size": .integer(vocabularySize),
        ]
    }

    /// The `config.json` transformers 5 writes for this model in float32.
    public var configJSON: Data { JSONObject.encode(configFields) }
}
