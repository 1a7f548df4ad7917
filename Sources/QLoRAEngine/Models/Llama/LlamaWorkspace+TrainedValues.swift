extension LlamaWorkspace {
    /// Values the backward pass writes a gradient for, counted off the gradient buffers the plan
    /// holds: every value an optimizer step moves (0 when the plan is for evaluation).
    public var trainedValueCount: Int {
        var count = [embeddingGradient, finalNormGradient, headGradient].reduce(0) { $0 + ($1?.count ?? 0) }
        for layer in layerGradients {
            count += (layer.inputNorm?.count ?? 0) + (layer.postAttentionNorm?.count ?? 0)
            for linear in layer.projections {
                count += (linear.weight?.count ?? 0) + (linear.a?.count ?? 0) + (linear.b?.count ?? 0)
            }
        }
        return count
    }
}
