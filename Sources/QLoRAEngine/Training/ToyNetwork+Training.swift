extension ToyNetwork {
    /// Everything one training step of a batch of `rows` inputs reads and writes, made once.
    public struct StepState {
        /// Inputs per step.
        public let rows: Int
        /// activations[i] is the input of layer i; activations[0] is the batch and the last is the logits.
        var activations: [[Float]]
        /// gradients[i] is dL/d activations[i]; gradients[0] is never computed (the data is fixed).
        var gradients: [[Float]]
        /// Forward caches and gradients of each adapted layer, nil for a dense one.
        var adapterBuffers: [LoRALinear.StepBuffers?]
        /// dL/dW of each dense layer, empty for an adapted one.
        var weightGradients: [[Float]]
        /// Kernel scratch shared by the layers.
        var workspace: TrainingWorkspace

        /// Bytes kept for backward: layer inputs, logits, their gradients, adapter caches.
        public var activationBytes: Int {
            4 * (activations.reduce(0) { $0 + $1.count } + gradients.reduce(0) { $0 + $1.count })
                + adapterBuffers.reduce(0) { $0 + ($1?.activationBytes ?? 0) }
        }

        /// Bytes of the gradients of every trained tensor.
        public var gradientBytes: Int {
            4 * weightGradients.reduce(0) { $0 + $1.count } + adapterBuffers.reduce(0) { $0 + ($1?.gradientBytes ?? 0) }
        }

        /// Values the backward pass writes a gradient for: every dense weight's, and A's and B's of each adapted layer.
        public var gradientValueCount: Int {
            weightGradients.reduce(0) { $0 + $1.count }
                + adapterBuffers.reduce(0) { $0 + ($1.map { $0.gradientA.count + $0.gradientB.count } ?? 0) }
        }

        /// Bytes of scratch: the matrix kernel's panels, where packed weights are decoded.
        public var scratchBytes: Int { workspace.bytes }
    }

    /// Buffers for steps of `rows` inputs.
    public func makeStepState(rows: Int, threads: Int = 1) -> StepState {
        let widths = [inFeatures] + layers.map(\.outFeatures)
        return StepState(
            rows: rows,
            activations: widths.map { [Float](repeating: 0, count: rows * $0) },
            gradients: widths.enumerated().map { [Float](repeating: 0, count: $0.offset == 0 ? 0 : rows * $0.element) },
            adapterBuffers: layers.map { layer in
                if case .adapted(let adapted) = layer { return adapted.makeStepBuffers(rows: rows) }
                return nil
            },
            weightGradients: layers.map { layer in
                if case .dense(let weight) = layer { return [Float](repeating: 0, count: weight.count) }
                return []
            },
            workspace: TrainingWorkspace(threads: threads)
        )
    }

    /// Runs the batch in `state.activations[0]` forward, leaving every layer's input and the
    /// logits in `state.activations`. `dropoutGenerator` is nil outside training.
    public func forward(_ state: inout StepState, dropoutGenerator: inout SeededGenerator?) {
        let rows = state.rows
        for (index, layer) in layers.enumerated() {
            var output = state.activations[index + 1]
            state.activations[index + 1] = []  // keeps `output` uniquely referenced: written in place
            output.withUnsafeMutableBufferPointer { output in
                state.activations[index].withUnsafeBufferPointer { input in
                    switch layer {
                    case .dense(let weight):
                        weight.scalars.withUnsafeBufferPointer { weight in
                            state.workspace.panels.withUnsafeMutableBufferPointer { panels in
                                MatrixMultiply.multiply(
                                    .init(input, rows: rows, columns: layer.inFeatures),
                                    MatrixMultiply.Operand(weight, rows: layer.outFeatures, columns: layer.inFeatures).transposed,
                                    into: output, panels: panels)
                            }
                        }
                    case .adapted(let adapted):
                        // `adapterBuffers[index]` is non-nil for an adapted layer by construction.
                        adapted.forward(input, into: output, buffers: &state.adapterBuffers[index]!,
                                        workspace: &state.workspace, dropoutGenerator: &dropoutGenerator)
                    }
                }
                if index < layers.count - 1 {
                    for position in 0..<output.count { output[position] = max(0, output[position]) }
                }
            }
            state.activations[index + 1] = output
        }
    }

    /// Backpropagates from dL/dlogits in the last entry of `state.gradients` to every trained tensor.
    public func backward(_ state: inout StepState) {
        let rows = state.rows
        for index in layers.indices.reversed() {
            let layer = layers[index]
            let needsInputGradient = index > 0
            var inputGradient = state.gradients[index]
            state.gradients[index] = []  // keeps `inputGradient` uniquely referenced: written in place
            state.activations[index].withUnsafeBufferPointer { input in
                state.gradients[index + 1].withUnsafeBufferPointer { outputGradient in
                    inputGradient.withUnsafeMutableBufferPointer { inputGradient in
                        switch layer {
                        case .dense(let weight):
                            let g = MatrixMultiply.Operand(outputGradient, rows: rows, columns: layer.outFeatures)
                            weight.scalars.withUnsafeBufferPointer { weight in
                                state.workspace.panels.withUnsafeMutableBufferPointer { panels in
                                    // dL/dW = gᵀ x; dL/dx = g W.
                                    state.weightGradients[index].withUnsafeMutableBufferPointer { weightGradient in
                                        MatrixMultiply.multiply(
                                            g.transposed, MatrixMultiply.Operand(input, rows: rows, columns: layer.inFeatures),
                                            into: weightGradient, panels: panels)
                                    }
                                    if needsInputGradient {
                                        MatrixMultiply.multiply(
                                            g, MatrixMultiply.Operand(weight, rows: layer.outFeatures, columns: layer.inFeatures),
                                            into: inputGradient, panels: panels)
                                    }
                                }
                            }
                        case .adapted(let adapted):
                            adapted.backward(
                                input: input, outputGradient: outputGradient,
                                inputGradient: needsInputGradient ? inputGradient : nil,
                                buffers: &state.adapterBuffers[index]!, workspace: &state.workspace)
                        }
                    }
                }
            }
            if needsInputGradient {
                // Through the ReLU before this layer: the gradient passes where its output was positive.
                for position in 0..<inputGradient.count where state.activations[index][position] <= 0 {
                    inputGradient[position] = 0
                }
            }
            state.gradients[index] = inputGradient
        }
    }

    /// Applies one optimizer update to every trained tensor from the gradients in `state`.
    /// Slots: one per dense weight, two (A then B) per adapted layer, in layer order.
    public mutating func update(with optimizer: inout some Optimizer, from state: StepState) {
        var slot = 0
        for index in layers.indices {
            // Move the layer out of the array so its tensors are uniquely referenced and update in place.
            var layer = Layer.placeholder
            swap(&layer, &layers[index])
            switch layer {
            case .dense(var weight):
                layer = .placeholder
                weight.scalars.withUnsafeMutableBufferPointer { values in
                    state.weightGradients[index].withUnsafeBufferPointer { optimizer.update(values, gradient: $0, slot: slot) }
                }
                slot += 1
                layer = .dense(weight)
            case .adapted(var adapted):
                layer = .placeholder
                if let buffers = state.adapterBuffers[index] {
                    adapted.a.scalars.withUnsafeMutableBufferPointer { values in
                        buffers.gradientA.withUnsafeBufferPointer { optimizer.update(values, gradient: $0, slot: slot) }
                    }
                    adapted.b.scalars.withUnsafeMutableBufferPointer { values in
                        buffers.gradientB.withUnsafeBufferPointer { optimizer.update(values, gradient: $0, slot: slot + 1) }
                    }
                }
                slot += 2
                layer = .adapted(adapted)
            }
            swap(&layer, &layers[index])
        }
    }
}

extension ToyNetwork.Layer {
    /// An empty layer that holds a slot in the array while a real one is updated outside it.
    static let placeholder = ToyNetwork.Layer.dense(Tensor(shape: [0, 0], scalars: []))
}

extension ToyNetwork.StepState: Sendable {}
