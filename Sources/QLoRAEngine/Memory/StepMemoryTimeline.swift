/// GPU memory over one training step of LoRA or QLoRA, event by event, and what bitsandbytes' paged
/// optimizers change about its peak.
///
/// A model of allocations, built from the same counts as `MemoryEstimate`, not a measurement on a GPU.
/// A step in the steady state of training (Adam's states exist; `zero_grad(set_to_none=True)` freed the
/// last step's gradients) goes:
///
/// 1. **start**: the weights, the quantization constants, the adapters and the optimizer states;
/// 2. **forward**, block by block: each block adds what it keeps for the backward pass (its share of
///    `MemoryEstimate.Activations`; with gradient checkpointing only its input);
/// 3. **loss**: the head adds the float32 log-probabilities, the final norm's input and the rotary tables;
/// 4. **backward**, last block first: the head's tensors are gone; each block's adapters get their
///    gradients while the block's own tensors are still held (with checkpointing, while the block is
///    recomputed in full), then those tensors are freed;
/// 5. **optimizer step**: no activations left, every gradient, and the optimizer reads and writes its states.
///
/// Left out: temporaries that live inside one operation (the gradient flowing between blocks, a 4-bit
/// weight dequantized for one matmul, the logits before `log_softmax`), the CUDA context, and the
/// caching allocator's slack and fragmentation. They come on top of every number here.
///
/// **Paging.** bitsandbytes' paged optimizers (`PagedAdamW`, `paged_adamw_32bit` in transformers)
/// allocate the states of every trainable tensor of at least 100,000 values in CUDA unified memory;
/// the driver evicts those pages to CPU memory when the GPU runs out, and the optimizer prefetches them
/// back before it updates each tensor. Smaller tensors' states are ordinary GPU memory. So with paging
/// the paged states need to be on the GPU only at the optimizer step, when the activations are gone:
/// the least GPU memory the step needs is the larger of the two moments instead of their sum.
public struct StepMemoryTimeline: Equatable {
    /// The memory estimate the events are built from.
    public let estimate: MemoryEstimate
    /// The events of one step, in order.
    public let events: [Event]
    /// Bytes of optimizer state that bitsandbytes places in paged memory: the states of every trainable
    /// tensor of at least `smallestPagedTensor` values.
    public let pageableStateBytes: Int

    /// bitsandbytes pages the states of a tensor only from this many values on (`p.numel() < 1e5` stays
    /// on the GPU).
    public static let smallestPagedTensor = 100_000

    /// The timeline of one training step of `configuration`, which must train adapters (lora or qlora).
    ///
    /// - Throws: `InputError` with source `method` for full fine-tuning, or whatever `MemoryEstimate`
    ///   throws for an invalid setting.
    public init(_ configuration: MemoryEstimate.Configuration) throws(InputError) {
        switch configuration.method {
        case .lora, .qlora: break
        case .fullFP32, .fullMixedPrecision:
            throw InputError("method", "expected lora or qlora; the timeline models adapter training")
        }
        let estimate = try MemoryEstimate(configuration)
        self.estimate = estimate
        let model = configuration.model
        let layers = model.layers
        let pagedValuesPerLayer = configuration.targets.reduce(0) { sum, module in
            let matrices = [configuration.rank * module.inFeatures(in: model), module.outFeatures(in: model) * configuration.rank]
            return sum + matrices.filter { $0 >= Self.smallestPagedTensor }.reduce(0, +)
        }
        pageableStateBytes = configuration.optimizer.stateBytesPerParameter * pagedValuesPerLayer * layers

        let resident = estimate[.weights].bytes + estimate[.quantizationConstants].bytes
            + estimate[.adapterWeights].bytes + estimate[.optimizerStates].bytes - pageableStateBytes
        let gradientsPerLayer = estimate[.gradients].bytes / layers
        let activations = estimate.activations
        let blockBytes = Self.blockBytes(configuration, activations: activations)
        let head = activations.logits + activations.outsideLayers
        var uncheckpointed = configuration
        uncheckpointed.gradientCheckpointing = false
        let recomputed = configuration.gradientCheckpointing
            ? MemoryEstimate.Activations.typicalLayerBytes(uncheckpointed) : 0

        func event(_ phase: Event.Phase, layer: Int? = nil, activations: Int, gradients: Int) -> Event {
            Event(phase: phase, layer: layer, residentBytes: resident, activationBytes: activations, gradientBytes: gradients)
        }
        var events = [event(.start, activations: 0, gradients: 0)]
        var kept = 0
        for layer in 1...layers {
            kept += blockBytes[layer - 1]
            events.append(event(.forward, layer: layer, activations: kept, gradients: 0))
        }
        events.append(event(.loss, activations: kept + head, gradients: 0))
        for layer in stride(from: layers, through: 1, by: -1) {
            let gradients = gradientsPerLayer * (layers - layer + 1)
            events.append(event(.backward, layer: layer, activations: kept + recomputed, gradients: gradients))
            kept -= blockBytes[layer - 1]
        }
        events.append(event(.optimizerStep, activations: 0, gradients: estimate[.gradients].bytes))
        self.events = events
    }

    /// What each block keeps from the forward pass, first block first: the blocks after the first keep
    /// the same, the first keeps the rest (less: its input needs no gradient until its first adapter).
    private static func blockBytes(_ configuration: MemoryEstimate.Configuration, activations: MemoryEstimate.Activations) -> [Int] {
        let layers = configuration.model.layers
        let total = activations.decoderLayers + activations.adapterOutputs
        let typical = configuration.gradientCheckpointing
            ? total / layers : MemoryEstimate.Activations.typicalLayerBytes(configuration)
        return [total - (layers - 1) * typical] + Array(repeating: typical, count: layers - 1)
    }

    /// GPU bytes at `event` when the optimizer states are ordinary GPU memory.
    public func bytesWithoutPaging(_ event: Event) -> Int { event.bytesBesidePagedStates + pageableStateBytes }

    /// The least GPU bytes `event` needs when the paged states may leave: all of them at the optimizer
    /// step, none of them otherwise.
    public func bytesNeededWithPaging(_ event: Event) -> Int {
        event.bytesBesidePagedStates + (event.phase == .optimizerStep ? pageableStateBytes : 0)
    }

    /// Bytes of paged states that are in CPU memory at `event` on a GPU of `capacity` bytes: what does
    /// not fit beside everything else (the driver evicts only under pressure); none at the optimizer step.
    public func evictedBytes(_ event: Event, capacity: Int) -> Int {
        guard event.phase != .optimizerStep else { return 0 }
        return min(pageableStateBytes, max(0, bytesWithoutPaging(event) - capacity))
    }

    /// GPU bytes at `event` with paged optimizer states on a GPU of `capacity` bytes.
    public func bytesWithPaging(_ event: Event, capacity: Int) -> Int {
        bytesWithoutPaging(event) - evictedBytes(event, capacity: capacity)
    }

    /// The largest GPU memory of the step without paging, and the first event that reaches it.
    public var peakWithoutPaging: Peak { peak(of: bytesWithoutPaging) }

    /// The least GPU memory the step's peak can come down to with paged states, and where it occurs.
    public var peakWithPaging: Peak { peak(of: bytesNeededWithPaging) }

    /// The most paged-state bytes in CPU memory at any event on a GPU of `capacity` bytes: each of them
    /// leaves the GPU once and comes back for the optimizer step.
    public func mostEvictedBytes(capacity: Int) -> Int {
        events.map { evictedBytes($0, capacity: capacity) }.max() ?? 0
    }

    private func peak(of bytes: (Event) -> Int) -> Peak {
        var best = Peak(bytes: 0, eventIndex: 0)
        for (index, event) in events.enumerated() where bytes(event) > best.bytes {
            best = Peak(bytes: bytes(event), eventIndex: index)
        }
        return best
    }
}

extension StepMemoryTimeline {
    /// The highest point of a memory curve.
    public struct Peak: Equatable, Sendable {
        /// The bytes at the peak.
        public var bytes: Int
        /// The index in `events` of the first event that reaches it.
        public var eventIndex: Int
    }
}

extension StepMemoryTimeline: Sendable {}
