/// The shape of a Llama model, as transformers' `LlamaConfig` describes it in `config.json`.
///
/// Names follow the paper's and the engine's style; the `config.json` key each one comes from is
/// given beside it, so a reader can check a folder's file against this type.
public struct LlamaConfiguration: Equatable {
    /// `vocab_size`: the rows of the token embedding (256 for a byte-level model).
    public var vocabularySize: Int
    /// `hidden_size`: the width of the residual stream.
    public var hiddenSize: Int
    /// `intermediate_size`: the width of the SwiGLU MLP.
    public var intermediateSize: Int
    /// `num_hidden_layers`: decoder blocks.
    public var layerCount: Int
    /// `num_attention_heads`: query heads.
    public var attentionHeadCount: Int
    /// `num_key_value_heads`: key/value heads; fewer than the query heads is grouped-query attention.
    public var keyValueHeadCount: Int
    /// `head_dim`: the width of one head (transformers' default: hidden / heads).
    public var headDimension: Int
    /// `max_position_embeddings`: the longest sequence the model accepts.
    public var maxPositionEmbeddings: Int
    /// `rms_norm_eps`: added to the mean square inside every RMSNorm.
    public var rmsNormEpsilon: Float
    /// `rope_theta` (or `rope_parameters.rope_theta`): the base of the rotary frequencies.
    public var ropeTheta: Float
    /// `tie_word_embeddings`: whether `lm_head` shares the token embedding's matrix.
    public var tieWordEmbeddings: Bool
    /// `initializer_range`: the standard deviation of a fresh model's linears and embedding.
    public var initializerRange: Float

    public init(
        vocabularySize: Int = 256, hiddenSize: Int, intermediateSize: Int, layerCount: Int,
        attentionHeadCount: Int, keyValueHeadCount: Int? = nil, headDimension: Int? = nil,
        maxPositionEmbeddings: Int, rmsNormEpsilon: Float = 1e-5, ropeTheta: Float = 10_000,
        tieWordEmbeddings: Bool = false, initializerRange: Float = 0.02
    ) {
        self.vocabularySize = vocabularySize
        self.hiddenSize = hiddenSize
        self.intermediateSize = intermediateSize
        self.layerCount = layerCount
        self.attentionHeadCount = attentionHeadCount
        self.keyValueHeadCount = keyValueHeadCount ?? attentionHeadCount
        self.headDimension = headDimension ?? hiddenSize / max(attentionHeadCount, 1)
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.rmsNormEpsilon = rmsNormEpsilon
        self.ropeTheta = ropeTheta
        self.tieWordEmbeddings = tieWordEmbeddings
        self.initializerRange = initializerRange
    }
}

extension LlamaConfiguration: Sendable {}
