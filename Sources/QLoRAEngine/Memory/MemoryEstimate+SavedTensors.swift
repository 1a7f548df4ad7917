extension MemoryEstimate {
    /// The tensors autograd keeps from one forward pass for the backward pass, one entry per storage.
    ///
    /// This is what `torch.autograd.graph.saved_tensors_hooks` sees: two operations that keep the same
    /// tensor (the keys and values of one layer, the input that three adapters share) keep one storage, so
    /// an entry is named by the tensor it holds and counted once however often it is saved.
    struct SavedTensors {
        /// What a saved tensor is, for the parts of the memory table.
        enum Role {
            /// Made in a decoder block: a norm's float32 input, an adapter's input, attention's tensors, the MLP's.
            case decoderLayer
            /// An adapter's low-rank output `A x`, kept for B's gradient.
            case adapterOutput
            /// The float32 log-probabilities the loss keeps.
            case logits
            /// Made outside the blocks: the final norm's input, the rotary tables, the labels.
            case outsideLayers
            /// A view of a weight (a frozen base weight, a norm scale, an adapter): memory the weights already hold.
            case parameterView
            /// The embedding's output when `enable_input_require_grads` makes it require a gradient: a leaf
            /// tensor, kept as the first checkpointed block's input, but skipped by a count that skips leaves
            /// requiring gradients to skip parameters, as `measure_activations.py`'s does.
            case leafInput
        }

        private var bytesByName: [String: (bytes: Int, role: Role)] = [:]

        /// Keeps the tensor called `name`, of `bytes` bytes, unless it is kept already.
        mutating func save(_ name: String, bytes: Int, as role: Role) {
            if bytesByName[name] == nil { bytesByName[name] = (bytes, role) }
        }

        /// The bytes kept in `role`.
        func bytes(_ role: Role) -> Int {
            bytesByName.values.reduce(0) { $0 + ($1.role == role ? $1.bytes : 0) }
        }

        /// The bytes of every tensor kept as `measure_activations.py` counts them: parameter views included,
        /// leaves that require gradients left out.
        var measuredTotal: Int { bytesByName.values.reduce(0) { $0 + ($1.role == .leafInput ? 0 : $1.bytes) } }
    }
}
