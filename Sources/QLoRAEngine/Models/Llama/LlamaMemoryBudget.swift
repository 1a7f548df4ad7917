import Foundation

/// How much memory one Llama and its buffers may take, checked before anything is allocated.
///
/// The sizes a user types (hidden size, layers, a LoRA rank, a batch of long sequences) multiply
/// into the number of floats the engine allocates. A product past `Int.max` would trap, and an
/// allocation past the machine's memory would fail half-way or get the process killed; both are
/// refused first, with one line saying how much the shape asks for.
public enum LlamaMemoryBudget {
    /// Half the machine's physical memory: a run that needs more would push out everything else it
    /// holds. (A container's own limit, when lower, is not read: there the budget is optimistic.)
    public static var bytes: Int { Int(clamping: ProcessInfo.processInfo.physicalMemory / 2) }

    /// Throws `InputError` from `source` unless `floats` float32 values fit the budget; nil stands
    /// for a count past `Int.max`.
    static func check(floats: Int?, for what: String, source: String) throws {
        let budget = bytes
        if let floats, floats <= budget / 4 { return }
        let needed = floats.map { NumberFormat.gigabytes(4 * Double($0)) } ?? "more bytes than a 64-bit count can hold"
        throw InputError(
            source, "\(what) needs \(needed); expected at most \(NumberFormat.gigabytes(Double(budget))), half this machine's memory")
    }

    /// `factors` multiplied, or nil once the product passes `Int.max`.
    static func product(_ factors: Int...) -> Int? {
        var result = 1
        for factor in factors {
            let (value, overflow) = result.multipliedReportingOverflow(by: factor)
            if overflow { return nil }
            result = value
        }
        return result
    }

    /// `terms` added, or nil when one is nil or the sum passes `Int.max`.
    static func sum(_ terms: Int?...) -> Int? {
        var result = 0
        for term in terms {
            guard let term else { return nil }
            let (value, overflow) = result.addingReportingOverflow(term)
            if overflow { return nil }
            result = value
        }
        return result
    }
}

extension LlamaConfiguration {
    /// The model's parameters, counted as `LlamaModel.parameterCount` counts them, or nil past `Int.max`.
    var checkedParameterCount: Int? {
        let projections = LlamaProjection.allCases.map { projection in
            let shape = projection.shape(in: self)
            return LlamaMemoryBudget.product(shape[0], shape[1])
        }
        let perLayer = LlamaMemoryBudget.sum(
            projections[0], projections[1], projections[2], projections[3], projections[4], projections[5], projections[6],
            LlamaMemoryBudget.product(2, hiddenSize))
        let embedding = LlamaMemoryBudget.product(vocabularySize, hiddenSize)
        return LlamaMemoryBudget.sum(
            embedding, tieWordEmbeddings ? 0 : embedding, perLayer.flatMap { LlamaMemoryBudget.product($0, layerCount) },
            hiddenSize)
    }
}

extension LlamaLoRASettings {
    /// Values the adapters of these settings hold on a model of `configuration`: r (in + out) for
    /// each targeted linear of every layer, or nil past `Int.max`.
    public func checkedValueCount(in configuration: LlamaConfiguration) -> Int? {
        let perLayer = targets.reduce(Optional(0)) { total, projection in
            let shape = projection.shape(in: configuration)
            return LlamaMemoryBudget.sum(total, LlamaMemoryBudget.product(lora.rank, shape[0] + shape[1]))
        }
        return perLayer.flatMap { LlamaMemoryBudget.product($0, configuration.layerCount) }
    }

    /// Throws `InputError` (source `rank`) unless training these adapters on a model of
    /// `configuration` fits `LlamaMemoryBudget`, counting each value's gradient, moments and copies.
    public func checkMemory(in configuration: LlamaConfiguration) throws {
        try LlamaMemoryBudget.check(
            floats: checkedValueCount(in: configuration).flatMap {
                LlamaMemoryBudget.product($0, LlamaWorkspace.floatsPerTrainedValue)
            },
            for: "training LoRA at rank \(lora.rank)", source: "rank")
    }
}

extension LlamaWorkspace {
    /// Floats a run holds per value it trains: the value, its gradient, Adam's two moments, and
    /// the copies made while the result is written out (tensors by name, the file's bytes).
    static let floatsPerTrainedValue = 8
    /// Floats a run holds per value it only reads: the value and one copy (a base being quantized,
    /// or written).
    static let floatsPerFrozenValue = 2

    /// Throws `InputError` (source `batch`) unless running a model of `configuration`, with
    /// `adapterValues` adapter values of rank up to `largestRank`, as `training` says on batches
    /// of `batchSize` x `sequenceLength` fits `LlamaMemoryBudget`: the model, what training adds
    /// to it, and the buffer plan. Checked by every plan, and by a command before it builds a model.
    public static func checkMemory(
        configuration: LlamaConfiguration, adapterValues: Int, largestRank: Int, batchSize: Int, sequenceLength: Int,
        training: Training
    ) throws {
        typealias Budget = LlamaMemoryBudget
        let model = configuration.checkedParameterCount.flatMap {
            Budget.product($0, training == .full ? floatsPerTrainedValue : floatsPerFrozenValue)
        }
        let adapters = Budget.product(adapterValues, training == .none ? floatsPerFrozenValue : floatsPerTrainedValue)
        let plan = floatCountBound(
            configuration: configuration, batchSize: batchSize, sequenceLength: sequenceLength, training: training,
            largestRank: largestRank)
        try Budget.check(
            floats: Budget.sum(model, adapters, plan),
            for: "\(training == .none ? "running" : "training") this model on batches of \(batchSize) x \(sequenceLength) tokens",
            source: "batch")
    }

    /// An upper bound on the floats a plan for these sizes holds, or nil past `Int.max`.
    static func floatCountBound(
        configuration c: LlamaConfiguration, batchSize: Int, sequenceLength t: Int, training: Training, largestRank: Int
    ) -> Int? {
        typealias Budget = LlamaMemoryBudget
        let n = Budget.product(batchSize, t)
        let (h, i, v) = (c.hiddenSize, c.intermediateSize, c.vocabularySize)
        let queryWidth = Budget.product(c.attentionHeadCount, c.headDimension)
        let keyValueWidth = Budget.product(c.keyValueHeadCount, c.headDimension)
        func rows(_ width: Int?) -> Int? { n.flatMap { n in width.flatMap { Budget.product(n, $0) } } }
        func twice(_ width: Int?) -> Int? { width.flatMap { Budget.product(2, $0) } }
        let backward = training != .none
        // Each row of a layer: its norms, q, k, v, attention, the MLP's three, every adapter's h.
        let rowWidth = Budget.sum(
            2, Budget.product(3, h), twice(queryWidth), twice(keyValueWidth), Budget.product(3, i), Budget.product(7, largestRank))
        let probabilities = backward ? Budget.product(batchSize, c.attentionHeadCount, t, t) : 0
        let layers = Budget.sum(rows(rowWidth), probabilities).flatMap { Budget.product($0, c.layerCount) }
        let residuals = rows(Budget.sum(c.layerCount, 1).flatMap { Budget.product($0, h) })
        // The final norm's output and inverse RMS, the logits and each row's loss.
        let head = rows(Budget.sum(h, v, 2))
        // Backward's scratch, reused by every layer: one row of each gradient, as the plan makes them.
        let widest = queryWidth.map { max(h, i, $0) }
        let scratchWidth = Budget.sum(
            h, widest, twice(queryWidth), twice(keyValueWidth), Budget.product(3, i), v, largestRank)
        let scratch = backward ? rows(scratchWidth) : 0
        // Each block of rows' share of an adapter's weight gradients, added up in order at the end.
        let blocks = n.map { $0 / MatrixMultiply.depthBlock + 1 }
        let partials = backward
            ? blocks.flatMap { blocks in widest.flatMap { Budget.sum(h, $0).flatMap { Budget.product(blocks, largestRank, $0) } } } : 0
        let panels = MatrixMultiply.panelScratchCount(threads: Cores.available)
        let paddedDepth = Budget.sum(c.headDimension, 16), paddedLength = Budget.sum(t, 16)
        let perWorker = Budget.sum(
            paddedDepth.flatMap { d in paddedLength.flatMap { Budget.product(4, d, $0) } }, Budget.product(16, t))
        let attention = perWorker.flatMap { Budget.product(Cores.available + 1, $0) }
        return Budget.sum(layers, residuals, head, scratch, partials, panels, attention, Budget.product(t, c.headDimension))
    }
}
