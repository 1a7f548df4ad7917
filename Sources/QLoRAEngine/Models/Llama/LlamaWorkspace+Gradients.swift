extension LlamaWorkspace {
    /// The gradients the last `lossAndGradients` computed, by name: transformers' names for the
    /// model's tensors (full fine-tuning), peft's for the adapters' A and B.
    public func gradients() -> [String: Tensor] {
        let c = configuration
        var gradients: [String: Tensor] = [:]
        func add(_ name: String, _ buffer: UnsafeMutableBufferPointer<Float>?, _ shape: [Int]) {
            guard let buffer else { return }
            gradients[name] = Tensor(shape: shape, scalars: Array(buffer))
        }
        add(LlamaModel.embeddingName, embeddingGradient, [c.vocabularySize, c.hiddenSize])
        add(LlamaModel.finalNormName, finalNormGradient, [c.hiddenSize])
        add(LlamaModel.headName, headGradient, [c.vocabularySize, c.hiddenSize])
        for (layer, layerGradients) in layerGradients.enumerated() {
            add("model.layers.\(layer).input_layernorm.weight", layerGradients.inputNorm, [c.hiddenSize])
            add("model.layers.\(layer).post_attention_layernorm.weight", layerGradients.postAttentionNorm, [c.hiddenSize])
            for projection in LlamaProjection.allCases {
                let linear = layerGradients.projections[projection.rawValue]
                let shape = projection.shape(in: c)
                let rank = adapterRanks[layer][projection.rawValue]
                add(LlamaModel.weightName(projection, layer: layer), linear.weight, shape)
                add(LlamaModel.adapterName(projection, layer: layer, matrix: .a), linear.a, [rank, shape[1]])
                add(LlamaModel.adapterName(projection, layer: layer, matrix: .b), linear.b, [shape[0], rank])
            }
        }
        return gradients
    }
}
