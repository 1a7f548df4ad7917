extension LlamaConfiguration {
    /// Throws `InputError` naming the first `config.json` key whose value no model can have.
    public func validate() throws {
        func positive(_ value: Int, _ key: String) throws {
            guard value >= 1 else { throw InputError(key, "expected a positive integer, got \(value)") }
        }
        try positive(vocabularySize, "vocab_size")
        try positive(hiddenSize, "hidden_size")
        try positive(intermediateSize, "intermediate_size")
        try positive(layerCount, "num_hidden_layers")
        try positive(attentionHeadCount, "num_attention_heads")
        try positive(keyValueHeadCount, "num_key_value_heads")
        try positive(maxPositionEmbeddings, "max_position_embeddings")
        guard headDimension >= 2, headDimension % 2 == 0 else {
            throw InputError("head_dim", "expected an even width of at least 2 for rotary embedding, got \(headDimension)")
        }
        // Every width a weight's shape multiplies out must be a count, never an overflow: the
        // limits `ModelArchitecture` takes from a config.json.
        for (key, value) in [("hidden_size", hiddenSize), ("intermediate_size", intermediateSize)]
        where value > ModelArchitecture.widthLimit {
            throw InputError(key, "expected at most \(ModelArchitecture.widthLimit), got \(value)")
        }
        for (key, value) in [
            ("num_hidden_layers", layerCount), ("num_attention_heads", attentionHeadCount), ("head_dim", headDimension),
        ] where value > ModelArchitecture.countLimit {
            throw InputError(key, "expected at most \(ModelArchitecture.countLimit), got \(value)")
        }
        guard vocabularySize <= ModelArchitecture.vocabularyLimit else {
            throw InputError("vocab_size", "expected at most \(ModelArchitecture.vocabularyLimit), got \(vocabularySize)")
        }
        guard attentionHeadCount % keyValueHeadCount == 0 else {
            throw InputError(
                "num_key_value_heads",
                "expected a divisor of num_attention_heads (\(attentionHeadCount)), got \(keyValueHeadCount)")
        }
        guard rmsNormEpsilon.isFinite, rmsNormEpsilon >= 0 else {
            throw InputError("rms_norm_eps", "expected a finite number of at least 0, got \(rmsNormEpsilon)")
        }
        guard ropeTheta.isFinite, ropeTheta > 0 else {
            throw InputError("rope_theta", "expected a positive number, got \(ropeTheta)")
        }
        guard initializerRange.isFinite, initializerRange >= 0 else {
            throw InputError("initializer_range", "expected a finite number of at least 0, got \(initializerRange)")
        }
    }
}
