extension ModelArchitecture {
    /// The number of values in the token embedding (`vocab x hidden`).
    public var embeddingParameters: Int { vocab * hidden }

    /// The number of values in the output head: 0 when it is tied to the embedding, which is then counted once.
    public var outputHeadParameters: Int { tieEmbeddings ? 0 : vocab * hidden }

    /// The number of weight values in one decoder block's seven linear layers (biases not included).
    public var linearWeightParametersPerLayer: Int {
        LinearModule.allCases.reduce(0) { $0 + $1.weightParameters(in: self) }
    }

    /// The number of values in one decoder block: linear weights, q/k/v biases where present, and two RMSNorm scales.
    public var parametersPerLayer: Int {
        let biases = LinearModule.allCases.reduce(0) { $0 + $1.biasParameters(in: self) }
        return linearWeightParametersPerLayer + biases + 2 * hidden
    }

    /// The number of values in the whole model, as `model.num_parameters()` counts them.
    public var parameterCount: Int {
        embeddingParameters + layers * parametersPerLayer + hidden + outputHeadParameters
    }

    /// The number of values bitsandbytes stores in 4 bits: every linear weight inside the decoder blocks.
    ///
    /// transformers skips the output head when it quantizes, and embeddings, norms and biases are not
    /// linear weights, so all of those stay 16-bit.
    public var quantizedParameters: Int { layers * linearWeightParametersPerLayer }
}
