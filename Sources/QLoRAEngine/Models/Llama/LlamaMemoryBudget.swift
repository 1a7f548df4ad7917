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

    /// Throws `InputError` from `source` unless `floats` float32 values fit the budget.
    static func check(floats: CheckedCount, for what: String, source: String) throws {
        let budget = bytes
        if let floats = floats.value, floats <= budget / 4 { return }
        let needed = floats.value.map { NumberFormat.gigabytes(4 * Double($0)) } ?? "more bytes than a 64-bit count can hold"
        throw InputError(
            source, "\(what) needs \(needed); expected at most \(NumberFormat.gigabytes(Double(budget))), half this machine's memory")
    }
}

extension LlamaConfiguration {
    /// The model's parameters, as `LlamaModel.parameterCount` counts them, or nil past `Int.max`.
    var checkedParameterCount: Int? { parameterCount.value }

    /// The model's parameters: every decoder linear and both norms of each layer, the embedding,
    /// the head unless it is tied, and the final norm.
    var parameterCount: CheckedCount {
        let hidden = CheckedCount(hiddenSize)
        let linears = LlamaProjection.allCases.reduce(CheckedCount(0)) { total, projection in
            let shape = projection.shape(in: self)
            return total + CheckedCount(shape[0]) * CheckedCount(shape[1])
        }
        let embedding = CheckedCount(vocabularySize) * hidden
        return embedding + (tieWordEmbeddings ? 0 : embedding) + CheckedCount(layerCount) * (linears + 2 * hidden) + hidden
    }
}

extension LlamaLoRASettings {
    /// Values the adapters of these settings hold on a model of `configuration`: r (in + out) for
    /// each targeted linear of every layer, or nil past `Int.max`.
    public func checkedValueCount(in configuration: LlamaConfiguration) -> Int? { valueCount(in: configuration).value }

    private func valueCount(in configuration: LlamaConfiguration) -> CheckedCount {
        let perLayer = targets.reduce(CheckedCount(0)) { total, projection in
            let shape = projection.shape(in: configuration)
            return total + CheckedCount(lora.rank) * (CheckedCount(shape[0]) + CheckedCount(shape[1]))
        }
        return perLayer * CheckedCount(configuration.layerCount)
    }

    /// Throws `InputError` (source `rank`) unless training these adapters on a model of
    /// `configuration` fits `LlamaMemoryBudget`, counting each value's gradient, moments and copies.
    public func checkMemory(in configuration: LlamaConfiguration) throws {
        try LlamaMemoryBudget.check(
            floats: valueCount(in: configuration) * CheckedCount(LlamaWorkspace.floatsPerTrainedValue),
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
        let model = configuration.parameterCount * CheckedCount(training == .full ? floatsPerTrainedValue : floatsPerFrozenValue)
        let adapters = CheckedCount(adapterValues) * CheckedCount(training == .none ? floatsPerFrozenValue : floatsPerTrainedValue)
        let plan = floatCountBound(
            configuration: configuration, batchSize: batchSize, sequenceLength: sequenceLength, training: training,
            largestRank: largestRank)
        try LlamaMemoryBudget.check(
            floats: model + adapters + plan,
            for: "\(training == .none ? "running" : "training") this model on batches of \(batchSize) x \(sequenceLength) tokens",
            source: "batch")
    }

    /// An upper bound on the floats a plan for these sizes holds.
    static func floatCountBound(
        configuration c: LlamaConfiguration, batchSize: Int, sequenceLength: Int, training: Training, largestRank: Int
    ) -> CheckedCount {
        let t = CheckedCount(sequenceLength), n = CheckedCount(batchSize) * t
        let (h, i, v) = (CheckedCount(c.hiddenSize), CheckedCount(c.intermediateSize), CheckedCount(c.vocabularySize))
        let (heads, headWidth) = (CheckedCount(c.attentionHeadCount), CheckedCount(c.headDimension))
        let queryWidth = heads * headWidth, keyValueWidth = CheckedCount(c.keyValueHeadCount) * headWidth
        let rank = CheckedCount(largestRank), layerCount = CheckedCount(c.layerCount)
        let backward = training != .none
        // Each row of a layer: its norms, q, k, v, attention, the MLP's three, every adapter's h.
        let rowWidth = 2 + 3 * h + 2 * queryWidth + 2 * keyValueWidth + 3 * i + 7 * rank
        let probabilities = backward ? CheckedCount(batchSize) * heads * t * t : 0
        let layers = (n * rowWidth + probabilities) * layerCount
        let residuals = n * (layerCount + 1) * h
        // The final norm's output and inverse RMS, the logits and each row's loss.
        let head = n * (h + v + 2)
        // Backward's scratch, reused by every layer: one row of each gradient, as the plan makes them.
        let widest = CheckedCount.maximum(CheckedCount.maximum(h, i), queryWidth)
        let scratch = backward ? n * (h + widest + 2 * queryWidth + 2 * keyValueWidth + 3 * i + v + rank) : 0
        // Each block of rows' share of an adapter's weight gradients, added up in order at the end.
        let blocks = CheckedCount(n.value.map { $0 / MatrixMultiply.depthBlock + 1 })
        let partials = backward ? blocks * rank * (h + widest) : 0
        let panels = CheckedCount(MatrixMultiply.panelScratchCount(threads: Cores.available))
        let perWorker = 4 * (headWidth + 16) * (t + 16) + 16 * t
        let attention = CheckedCount(Cores.available + 1) * perWorker
        return layers + residuals + head + scratch + partials + panels + attention + t * headWidth
    }
}
