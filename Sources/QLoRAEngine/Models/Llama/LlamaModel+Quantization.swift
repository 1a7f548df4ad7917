extension LlamaModel {
    /// The model with every decoder linear stored in `format`, in blocks of `blocksize`, as
    /// bitsandbytes quantizes a model for QLoRA; the embedding, the norms and `lm_head` stay float32.
    /// A linear already quantized is dequantized first; adapters are kept.
    ///
    /// - Throws: `InputError` when the quantizer rejects the blocksize or a weight.
    public func quantized(_ format: FrozenBase.Format, blocksize: Int = 64, doubleQuantization: Bool = false) throws -> LlamaModel {
        var model = self
        for layer in model.layers.indices {
            for index in model.layers[layer].projections.indices {
                let weight = model.layers[layer].projections[index].base.dequantized()
                model.layers[layer].projections[index].base = try FrozenBase(
                    quantizing: weight, format: format, blocksize: blocksize, doubleQuantization: doubleQuantization)
            }
        }
        return model
    }
}
