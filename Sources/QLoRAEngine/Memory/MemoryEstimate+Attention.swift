extension MemoryEstimate {
    /// How the attention scores are computed: transformers' `attn_implementation`.
    public enum Attention: String, CaseIterable {
        /// `torch.nn.functional.scaled_dot_product_attention`, transformers' default: a fused kernel that keeps
        /// queries, keys, values, its output and one float32 log-sum-exp per query and head, never the
        /// `s x s` scores.
        case sdpa
        /// transformers' `eager_attention_forward`: matmul, float32 softmax, matmul, each keeping its inputs,
        /// so the `s x s` probabilities of every head are kept.
        case eager

        /// The attention named `name`.
        ///
        /// - Throws: `InputError` with source `attention` listing the choices.
        public init(named name: String) throws(InputError) {
            guard let attention = Self(rawValue: name) else {
                throw InputError("attention", "unknown attention '\(name)'; expected sdpa or eager")
            }
            self = attention
        }
    }
}

extension MemoryEstimate.Attention: Sendable {}
