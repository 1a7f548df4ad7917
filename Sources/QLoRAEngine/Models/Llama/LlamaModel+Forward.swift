extension LlamaModel {
    /// The causal-LM loss of `batch`: mean cross-entropy of logits[:, :-1] against ids[:, 1:].
    ///
    /// - Throws: `InputError` when the batch does not fit the workspace or the workspace was made
    ///   for another model.
    public func loss(_ batch: LlamaBatch, workspace: LlamaWorkspace) throws -> Float {
        try check(batch, workspace)
        return batch.ids.withUnsafeBufferPointer { ids in
            forward(ids, batchSize: batch.batchSize, sequenceLength: batch.sequenceLength, workspace: workspace)
            return lossAndLogitsGradient(ids, sequenceLength: batch.sequenceLength, workspace: workspace, gradient: false)
        }
    }

    /// The logits of every position, `[batch, sequence, vocabulary]`.
    public func logits(_ batch: LlamaBatch, workspace: LlamaWorkspace) throws -> Tensor {
        try check(batch, workspace)
        batch.ids.withUnsafeBufferPointer { ids in
            forward(ids, batchSize: batch.batchSize, sequenceLength: batch.sequenceLength, workspace: workspace)
        }
        let count = batch.tokenCount * configuration.vocabularySize
        return Tensor(
            shape: [batch.batchSize, batch.sequenceLength, configuration.vocabularySize],
            scalars: Array(workspace.logits[0..<count]))
    }

    /// Throws unless `batch` fits `workspace` and the workspace was made for this model.
    func check(_ batch: LlamaBatch, _ workspace: LlamaWorkspace) throws {
        guard workspace.fits(self) else {
            throw InputError("workspace", "made for another model or other adapters; make a new one")
        }
        guard batch.batchSize <= workspace.batchSize, batch.sequenceLength <= workspace.sequenceLength else {
            throw InputError(
                "tokens",
                "expected at most \(workspace.batchSize) sequences of \(workspace.sequenceLength) tokens, got \(batch.batchSize) of \(batch.sequenceLength)")
        }
        guard batch.ids.allSatisfy({ $0 >= 0 && Int($0) < configuration.vocabularySize }) else {
            throw InputError("tokens", "expected ids in 0..<\(configuration.vocabularySize)")
        }
    }

    /// Runs the model on `batchSize` x `sequenceLength` ids and leaves the logits (and everything
    /// backward needs) in `workspace`.
    func forward(_ ids: UnsafeBufferPointer<Int32>, batchSize: Int, sequenceLength: Int, workspace w: LlamaWorkspace) {
        let c = configuration
        let n = batchSize * sequenceLength
        let context = w.context
        let shape = LlamaParts.AttentionShape(
            batchSize: batchSize, sequenceLength: sequenceLength, heads: c.attentionHeadCount,
            keyValueHeads: c.keyValueHeadCount, headDimension: c.headDimension)
        let cos = UnsafeBufferPointer(w.ropeCos), sin = UnsafeBufferPointer(w.ropeSin)
        embedding.scalars.withUnsafeBufferPointer { table in
            LlamaParts.embeddingForward(ids: ids, table: table, width: c.hiddenSize, into: w.residuals[0])
        }
        for (index, layer) in layers.enumerated() {
            let a = w.layers[index]
            let x = UnsafeBufferPointer(w.residuals[index])
            // Attention: x + o_proj(attention(rotary(q_proj(n)), rotary(k_proj(n)), v_proj(n))), n = RMSNorm(x).
            rmsNorm(x, gain: layer.inputNorm, rows: n, into: a.normed1, inverseRMS: a.inverseRMS1, context: context)
            let normed1 = UnsafeBufferPointer(a.normed1)
            func project(
                _ projection: LlamaProjection, _ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>,
                adding residual: UnsafeBufferPointer<Float>? = nil
            ) {
                layer[projection].forward(
                    input, rows: n, into: output, adding: residual, hidden: a.adapterHidden[projection.rawValue],
                    context: context)
            }
            project(.query, normed1, into: a.query)
            project(.key, normed1, into: a.key)
            project(.value, normed1, into: a.value)
            context.forEachBlock(
                of: n,
                LlamaParts.Rotation(
                    query: a.query, key: a.key, sequenceLength: sequenceLength, heads: c.attentionHeadCount,
                    keyValueHeads: c.keyValueHeadCount, headDimension: c.headDimension, cos: cos, sin: sin, sinSign: 1))
            LlamaParts.attentionForward(
                query: UnsafeBufferPointer(a.query), key: UnsafeBufferPointer(a.key), value: UnsafeBufferPointer(a.value),
                shape: shape, probabilities: w.training == .none ? nil : a.probabilities, into: a.attention,
                scratch: w.attentionScratch,
                context: context)
            project(.output, UnsafeBufferPointer(a.attention), into: a.middle, adding: x)
            // MLP: m + down_proj(silu(gate_proj(n)) ⊙ up_proj(n)), n = RMSNorm(m).
            let middle = UnsafeBufferPointer(a.middle)
            rmsNorm(middle, gain: layer.postAttentionNorm, rows: n, into: a.normed2, inverseRMS: a.inverseRMS2, context: context)
            let normed2 = UnsafeBufferPointer(a.normed2)
            project(.gate, normed2, into: a.gate)
            project(.up, normed2, into: a.up)
            context.forEachBlock(
                of: n,
                LlamaParts.SwiGLUForward(
                    gate: UnsafeBufferPointer(a.gate), up: UnsafeBufferPointer(a.up), activated: a.activated,
                    width: c.intermediateSize))
            project(.down, UnsafeBufferPointer(a.activated), into: w.residuals[index + 1], adding: middle)
        }
        rmsNorm(
            UnsafeBufferPointer(w.residuals[c.layerCount]), gain: finalNorm, rows: n, into: w.finalNormed,
            inverseRMS: w.finalInverseRMS, context: context)
        // logits = n Wᵀ, with W the head or, tied, the embedding.
        (head ?? embedding).scalars.withUnsafeBufferPointer { weight in
            MatrixMultiply.multiply(
                MatrixMultiply.Operand(UnsafeBufferPointer(w.finalNormed), rows: n, columns: c.hiddenSize),
                MatrixMultiply.Operand(weight, rows: c.vocabularySize, columns: c.hiddenSize).transposed,
                into: w.logits, panels: context.panels,
                threads: context.threads(m: n, n: c.vocabularySize, k: c.hiddenSize))
        }
    }

    /// y = RMSNorm(x) with `gain`, blocks of rows in parallel.
    func rmsNorm(
        _ x: UnsafeBufferPointer<Float>, gain: Tensor, rows: Int, into y: UnsafeMutableBufferPointer<Float>,
        inverseRMS: UnsafeMutableBufferPointer<Float>, context: LlamaKernelContext
    ) {
        gain.scalars.withUnsafeBufferPointer { gain in
            context.forEachBlock(
                of: rows,
                LlamaParts.RMSNormForward(x: x, weight: gain, epsilon: configuration.rmsNormEpsilon, y: y, inverseRMS: inverseRMS))
        }
    }

    /// The loss of the logits `forward` left, and with `gradient` d loss / d logits in the workspace;
    /// rows in parallel, their losses summed in order.
    func lossAndLogitsGradient(
        _ ids: UnsafeBufferPointer<Int32>, sequenceLength: Int, workspace w: LlamaWorkspace, gradient: Bool
    ) -> Float {
        let predicted = ids.count / sequenceLength * (sequenceLength - 1)
        w.context.forEachBlock(
            of: ids.count,
            LlamaParts.CrossEntropy(
                logits: UnsafeBufferPointer(w.logits), ids: ids, sequenceLength: sequenceLength,
                vocabulary: configuration.vocabularySize, predicted: predicted, rowLosses: w.rowLosses,
                gradient: gradient ? w.logitsGradient : nil))
        var total: Double = 0
        for n in 0..<ids.count { total += Double(w.rowLosses[n]) }
        return Float(total / Double(predicted))
    }
}
