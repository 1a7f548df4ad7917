/// The buffer plan of a Llama model for one batch shape: every activation forward keeps for
/// backward, every gradient, and the kernels' scratch, allocated once when the plan is made, so a
/// training step allocates nothing.
///
/// A plan is made for a model's shape and its adapters' ranks; make a new one after attaching or
/// merging adapters. It runs batches of up to `batchSize` sequences of up to `sequenceLength` tokens.
public final class LlamaWorkspace {
    /// Which parameters get gradients.
    public enum Training: String, CaseIterable, Sendable {
        /// Evaluation: no gradients, nothing kept for backward beyond what forward writes anyway.
        case none
        /// LoRA and QLoRA: A and B of every adapter; the base stays frozen.
        case adapters
        /// Full fine-tuning: every tensor of the model (and any adapter's A and B).
        case full
    }

    /// The most sequences a batch may hold.
    public let batchSize: Int
    /// The most tokens a sequence may hold.
    public let sequenceLength: Int
    /// Which gradients backward computes.
    public let training: Training
    /// Threads the products may use (the results are the same on any number).
    public let threads: Int

    /// What forward keeps of one decoder layer, each `[N, width]`.
    struct LayerActivations {
        var inverseRMS1, normed1, query, key, value, probabilities, attention: UnsafeMutableBufferPointer<Float>
        var middle, inverseRMS2, normed2, gate, up, activated: UnsafeMutableBufferPointer<Float>
        /// x Aᵀ of each projection's adapter, by `LlamaProjection.rawValue` (empty without one).
        var adapterHidden: [UnsafeMutableBufferPointer<Float>]
    }

    /// Gradients of one decoder layer's parameters; nil where not trained.
    struct LayerGradients {
        var inputNorm, postAttentionNorm: UnsafeMutableBufferPointer<Float>?
        var projections: [LlamaLinearGradients]
    }

    let configuration: LlamaConfiguration
    let adapterRanks: [[Int]]
    let context: LlamaKernelContext
    let attentionScratch: UnsafeMutableBufferPointer<Float>
    let ropeCos: UnsafeMutableBufferPointer<Float>
    let ropeSin: UnsafeMutableBufferPointer<Float>
    /// The residual stream entering each layer, and after the last one: `layerCount + 1` buffers.
    let residuals: [UnsafeMutableBufferPointer<Float>]
    let layers: [LayerActivations]
    let finalInverseRMS, finalNormed, logits: UnsafeMutableBufferPointer<Float>
    /// Each position's cross-entropy, summed in order into the loss.
    let rowLosses: UnsafeMutableBufferPointer<Float>
    /// Scratch of the backward pass, reused by every layer.
    let residualGradient, normedGradient, queryGradient, keyGradient, valueGradient, attentionGradient: UnsafeMutableBufferPointer<Float>
    let gateGradient, upGradient, activatedGradient, logitsGradient, hiddenGradient: UnsafeMutableBufferPointer<Float>
    let layerGradients: [LayerGradients]
    let embeddingGradient, finalNormGradient, headGradient: UnsafeMutableBufferPointer<Float>?
    private var allocations: [UnsafeMutableRawBufferPointer]

    /// Plans buffers for `model` on batches of up to `batchSize` x `sequenceLength` tokens.
    ///
    /// - Throws: `InputError` for sizes below 1, a sequence longer than `max_position_embeddings`,
    ///   full training of a model whose linears are quantized, or a plan too large for
    ///   `LlamaMemoryBudget` (source `batch`).
    public init(
        for model: LlamaModel, batchSize: Int, sequenceLength: Int, training: Training = .none, threads: Int = 1
    ) throws {
        let c = model.configuration
        guard batchSize >= 1 else { throw InputError("batch", "expected a positive number of sequences, got \(batchSize)") }
        guard sequenceLength >= 1, sequenceLength <= c.maxPositionEmbeddings else {
            throw InputError("context", "expected 1 to max_position_embeddings = \(c.maxPositionEmbeddings) tokens, got \(sequenceLength)")
        }
        if training == .full,
            let (layer, projection) = model.firstQuantizedLinear
        {
            throw InputError(
                LlamaModel.weightName(projection, layer: layer),
                "full fine-tuning needs a float32 weight, this one is \(model.layers[layer][projection].base.format.rawValue)")
        }
        let ranks = model.layers.flatMap { layer in layer.projections.map { $0.adapter?.rank ?? 0 } }
        try Self.checkMemory(
            configuration: c, adapterValues: model.adapterParameterCount, largestRank: ranks.max() ?? 0, batchSize: batchSize,
            sequenceLength: sequenceLength, training: training)
        self.batchSize = batchSize
        self.sequenceLength = sequenceLength
        self.training = training
        self.threads = max(1, min(threads, Cores.available))
        configuration = c
        adapterRanks = model.layers.map { layer in layer.projections.map { $0.adapter?.rank ?? 0 } }

        var allocations: [UnsafeMutableRawBufferPointer] = []
        func make(_ count: Int) -> UnsafeMutableBufferPointer<Float> {
            let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, count) * 4, alignment: 64)
            allocations.append(raw)
            let buffer = raw.bindMemory(to: Float.self)
            let result = UnsafeMutableBufferPointer(rebasing: buffer[0..<count])
            result.initialize(repeating: 0)
            return result
        }
        func makeIf(_ wanted: Bool, _ count: Int) -> UnsafeMutableBufferPointer<Float>? { wanted ? make(count) : nil }

        let n = batchSize * sequenceLength
        let (h, i, v, t) = (c.hiddenSize, c.intermediateSize, c.vocabularySize, sequenceLength)
        let queryWidth = c.attentionHeadCount * c.headDimension
        let keyValueWidth = c.keyValueHeadCount * c.headDimension
        let maxRank = adapterRanks.joined().max() ?? 0
        let attention = LlamaParts.AttentionShape(
            batchSize: batchSize, sequenceLength: t, heads: c.attentionHeadCount, keyValueHeads: c.keyValueHeadCount,
            headDimension: c.headDimension)
        let backward = training != .none
        let widest = max(h, i, queryWidth)
        // A block of rows at a time, each linear's dL/dA and dL/dB: r x (in + out) floats.
        let partials = backward ? n.dividedRoundingUp(by: MatrixMultiply.depthBlock) * maxRank * (h + widest) : 0
        context = LlamaKernelContext(
            panels: make(MatrixMultiply.panelScratchCount(threads: self.threads)), partials: make(partials),
            available: self.threads)
        attentionScratch = make(attention.scratchPerWorker * self.threads)
        ropeCos = make(t * c.headDimension / 2)
        ropeSin = make(t * c.headDimension / 2)
        LlamaParts.rotaryTables(positions: t, headDimension: c.headDimension, theta: c.ropeTheta, cos: ropeCos, sin: ropeSin)
        residuals = (0...c.layerCount).map { _ in make(n * h) }
        layers = adapterRanks.map { ranks in
            LayerActivations(
                inverseRMS1: make(n), normed1: make(n * h), query: make(n * queryWidth), key: make(n * keyValueWidth),
                value: make(n * keyValueWidth), probabilities: make(backward ? batchSize * c.attentionHeadCount * t * t : 0),
                attention: make(n * queryWidth), middle: make(n * h), inverseRMS2: make(n), normed2: make(n * h),
                gate: make(n * i), up: make(n * i), activated: make(n * i),
                adapterHidden: ranks.map { make(n * $0) })
        }
        finalInverseRMS = make(n)
        finalNormed = make(n * h)
        logits = make(n * v)
        rowLosses = make(n)
        residualGradient = make(backward ? n * h : 0)
        normedGradient = make(backward ? n * widest : 0)
        queryGradient = make(backward ? n * queryWidth : 0)
        keyGradient = make(backward ? n * keyValueWidth : 0)
        valueGradient = make(backward ? n * keyValueWidth : 0)
        attentionGradient = make(backward ? n * queryWidth : 0)
        gateGradient = make(backward ? n * i : 0)
        upGradient = make(backward ? n * i : 0)
        activatedGradient = make(backward ? n * i : 0)
        logitsGradient = make(backward ? n * v : 0)
        hiddenGradient = make(backward ? n * maxRank : 0)
        let full = training == .full
        layerGradients = adapterRanks.map { ranks in
            LayerGradients(
                inputNorm: makeIf(full, h), postAttentionNorm: makeIf(full, h),
                projections: LlamaProjection.allCases.map { projection in
                    let shape = projection.shape(in: c)
                    let rank = ranks[projection.rawValue]
                    return LlamaLinearGradients(
                        weight: makeIf(full, shape[0] * shape[1]),
                        a: makeIf(backward && rank > 0, rank * shape[1]),
                        b: makeIf(backward && rank > 0, shape[0] * rank))
                })
        }
        embeddingGradient = makeIf(full, v * h)
        finalNormGradient = makeIf(full, h)
        headGradient = makeIf(full && !c.tieWordEmbeddings, v * h)
        self.allocations = allocations
    }

    deinit {
        for allocation in allocations { allocation.deallocate() }
    }

    /// Bytes the plan holds.
    public var bytes: Int { allocations.reduce(0) { $0 + $1.count } }

    /// Whether the plan was made for `model`'s shape and adapters (checked every step, so without allocating).
    func fits(_ model: LlamaModel) -> Bool {
        guard model.configuration == configuration, model.layers.count == adapterRanks.count else { return false }
        for (layer, ranks) in zip(model.layers, adapterRanks) {
            for (linear, rank) in zip(layer.projections, ranks) where (linear.adapter?.rank ?? 0) != rank { return false }
        }
        return true
    }
}

extension LlamaModel {
    /// The first decoder linear stored packed, if any.
    var firstQuantizedLinear: (Int, LlamaProjection)? {
        for (index, layer) in layers.enumerated() {
            for projection in LlamaProjection.allCases where layer[projection].base.format != .float32 {
                return (index, projection)
            }
        }
        return nil
    }
}
