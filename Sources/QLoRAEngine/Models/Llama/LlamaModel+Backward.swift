extension LlamaModel {
    /// The loss of `batch`, with d loss / d every trained tensor left in `workspace` (read them with
    /// `workspace.gradients()`, or let `LlamaTrainer` apply them).
    ///
    /// - Throws: `InputError` when the batch does not fit, or the workspace computes no gradients.
    public func lossAndGradients(_ batch: LlamaBatch, workspace: LlamaWorkspace) throws -> Float {
        try check(batch, workspace)
        guard workspace.training != .none else {
            throw InputError("workspace", "made for evaluation; make one with training .adapters or .full")
        }
        return batch.ids.withUnsafeBufferPointer { ids in
            forward(ids, batchSize: batch.batchSize, sequenceLength: batch.sequenceLength, workspace: workspace)
            let loss = lossAndLogitsGradient(ids, sequenceLength: batch.sequenceLength, workspace: workspace, gradient: true)
            backward(ids, batchSize: batch.batchSize, sequenceLength: batch.sequenceLength, workspace: workspace)
            return loss
        }
    }

    /// The backward pass, after `forward` and the loss's gradient: the layers in reverse, each
    /// part's backward from `LlamaParts` or `LlamaLinear`, the residual stream's gradient carried in
    /// `residualGradient` and added to at each branch.
    func backward(_ ids: UnsafeBufferPointer<Int32>, batchSize: Int, sequenceLength: Int, workspace w: LlamaWorkspace) {
        let c = configuration
        let n = batchSize * sequenceLength
        let context = w.context
        let full = w.training == .full
        let shape = LlamaParts.AttentionShape(
            batchSize: batchSize, sequenceLength: sequenceLength, heads: c.attentionHeadCount,
            keyValueHeads: c.keyValueHeadCount, headDimension: c.headDimension)
        let cos = UnsafeBufferPointer(w.ropeCos), sin = UnsafeBufferPointer(w.ropeSin)
        // Gradients that several terms add into start from zero.
        w.embeddingGradient?.update(repeating: 0)
        w.finalNormGradient?.update(repeating: 0)
        w.headGradient?.update(repeating: 0)
        for gradients in w.layerGradients {
            gradients.inputNorm?.update(repeating: 0)
            gradients.postAttentionNorm?.update(repeating: 0)
        }
        let residualGradient = UnsafeMutableBufferPointer(rebasing: w.residualGradient[0..<n * c.hiddenSize])
        residualGradient.update(repeating: 0)

        // Head: logits = n Wᵀ, so dn = dlogits W and dW = dlogitsᵀ n (into the embedding when tied).
        let logitsGradient = MatrixMultiply.Operand(UnsafeBufferPointer(w.logitsGradient), rows: n, columns: c.vocabularySize)
        (head ?? embedding).scalars.withUnsafeBufferPointer { weight in
            MatrixMultiply.multiply(
                logitsGradient, MatrixMultiply.Operand(weight, rows: c.vocabularySize, columns: c.hiddenSize),
                into: w.normedGradient, panels: context.panels,
                threads: context.threads(m: n, n: c.hiddenSize, k: c.vocabularySize))
        }
        if full, let headGradient = w.headGradient ?? w.embeddingGradient {
            MatrixMultiply.multiply(
                logitsGradient.transposed, MatrixMultiply.Operand(UnsafeBufferPointer(w.finalNormed), rows: n, columns: c.hiddenSize),
                into: headGradient, accumulate: true, panels: context.panels,
                threads: context.threads(m: c.vocabularySize, n: c.hiddenSize, k: n))
        }
        rmsNormBackward(
            w.residuals[c.layerCount], gain: finalNorm, inverseRMS: w.finalInverseRMS, outputGradient: w.normedGradient,
            rows: n, inputGradient: residualGradient, weightGradient: w.finalNormGradient, context: context)

        for (index, layer) in layers.enumerated().reversed() {
            let a = w.layers[index]
            let gradients = w.layerGradients[index]
            func project(
                _ projection: LlamaProjection, _ input: UnsafeMutableBufferPointer<Float>,
                outputGradient: UnsafeMutableBufferPointer<Float>, inputGradient: UnsafeMutableBufferPointer<Float>?,
                accumulate: Bool = false
            ) {
                layer[projection].backward(
                    UnsafeBufferPointer(input), rows: n, outputGradient: UnsafeBufferPointer(outputGradient),
                    hidden: UnsafeBufferPointer(a.adapterHidden[projection.rawValue]), hiddenGradient: w.hiddenGradient,
                    gradients: gradients.projections[projection.rawValue], inputGradient: inputGradient,
                    accumulate: accumulate, context: context)
            }
            // MLP: out = m + down(silu(gate(n)) ⊙ up(n)), n = RMSNorm(m).
            project(.down, a.activated, outputGradient: residualGradient, inputGradient: w.activatedGradient)
            context.forEachBlock(
                of: n,
                LlamaParts.SwiGLUBackward(
                    gate: UnsafeBufferPointer(a.gate), up: UnsafeBufferPointer(a.up),
                    activatedGradient: UnsafeBufferPointer(w.activatedGradient), gateGradient: w.gateGradient,
                    upGradient: w.upGradient, width: c.intermediateSize))
            project(.gate, a.normed2, outputGradient: w.gateGradient, inputGradient: w.normedGradient)
            project(.up, a.normed2, outputGradient: w.upGradient, inputGradient: w.normedGradient, accumulate: true)
            rmsNormBackward(
                a.middle, gain: layer.postAttentionNorm, inverseRMS: a.inverseRMS2, outputGradient: w.normedGradient,
                rows: n, inputGradient: residualGradient, weightGradient: gradients.postAttentionNorm, context: context)
            // Attention: m = x + o(attention(rotary(q(n)), rotary(k(n)), v(n))), n = RMSNorm(x).
            project(.output, a.attention, outputGradient: residualGradient, inputGradient: w.attentionGradient)
            LlamaParts.attentionBackward(
                query: UnsafeBufferPointer(a.query), key: UnsafeBufferPointer(a.key), value: UnsafeBufferPointer(a.value),
                shape: shape, probabilities: UnsafeBufferPointer(a.probabilities),
                outputGradient: UnsafeBufferPointer(w.attentionGradient), queryGradient: w.queryGradient,
                keyGradient: w.keyGradient, valueGradient: w.valueGradient, scratch: w.attentionScratch, context: context)
            context.forEachBlock(
                of: n,
                LlamaParts.Rotation(
                    query: w.queryGradient, key: w.keyGradient, sequenceLength: sequenceLength,
                    heads: c.attentionHeadCount, keyValueHeads: c.keyValueHeadCount, headDimension: c.headDimension,
                    cos: cos, sin: sin, sinSign: -1))
            // Below the first layer only the embedding learns: without it, skip dx there.
            let inputGradient = index > 0 || full ? w.normedGradient : nil
            project(.query, a.normed1, outputGradient: w.queryGradient, inputGradient: inputGradient)
            project(.key, a.normed1, outputGradient: w.keyGradient, inputGradient: inputGradient, accumulate: true)
            project(.value, a.normed1, outputGradient: w.valueGradient, inputGradient: inputGradient, accumulate: true)
            guard inputGradient != nil else { continue }
            rmsNormBackward(
                w.residuals[index], gain: layer.inputNorm, inverseRMS: a.inverseRMS1, outputGradient: w.normedGradient,
                rows: n, inputGradient: residualGradient, weightGradient: gradients.inputNorm, context: context)
        }
        if let embeddingGradient = w.embeddingGradient {
            LlamaParts.embeddingBackward(
                ids: ids, outputGradient: UnsafeBufferPointer(residualGradient), width: c.hiddenSize,
                tableGradient: embeddingGradient)
        }
    }

    /// dx += RMSNorm's backward (blocks of rows in parallel), and dw += its weight gradient (rows in order).
    func rmsNormBackward(
        _ x: UnsafeMutableBufferPointer<Float>, gain: Tensor, inverseRMS: UnsafeMutableBufferPointer<Float>,
        outputGradient: UnsafeMutableBufferPointer<Float>, rows: Int, inputGradient: UnsafeMutableBufferPointer<Float>,
        weightGradient: UnsafeMutableBufferPointer<Float>?, context: LlamaKernelContext
    ) {
        let (x, inverseRMS, outputGradient) = (UnsafeBufferPointer(x), UnsafeBufferPointer(inverseRMS), UnsafeBufferPointer(outputGradient))
        gain.scalars.withUnsafeBufferPointer { gain in
            context.forEachBlock(
                of: rows,
                LlamaParts.RMSNormBackward(
                    x: x, weight: gain, inverseRMS: inverseRMS, outputGradient: outputGradient, inputGradient: inputGradient))
        }
        if let weightGradient {
            LlamaParts.rmsNormWeightBackward(
                x, inverseRMS: inverseRMS, outputGradient: outputGradient, rows: rows, weightGradient: weightGradient)
        }
    }
}
