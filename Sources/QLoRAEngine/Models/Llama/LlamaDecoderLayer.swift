/// One Llama decoder block: RMSNorm, grouped-query attention, residual; RMSNorm, SwiGLU MLP, residual.
public struct LlamaDecoderLayer {
    /// `input_layernorm.weight`: the RMSNorm gain before attention, `[hidden]`.
    public var inputNorm: Tensor
    /// `post_attention_layernorm.weight`: the RMSNorm gain before the MLP, `[hidden]`.
    public var postAttentionNorm: Tensor
    /// The seven linears, indexed by `LlamaProjection.rawValue`.
    public var projections: [LlamaLinear]

    /// The linear `projection` names.
    public subscript(projection: LlamaProjection) -> LlamaLinear { projections[projection.rawValue] }
}

extension LlamaDecoderLayer: Sendable {}
