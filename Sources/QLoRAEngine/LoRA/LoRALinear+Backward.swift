extension LoRALinear {
    /// The backward pass on raw buffers, after `forward` filled `buffers` for the same input.
    ///
    /// With g = dL/dy and xd = dropout(x), h = xd Aᵀ, y = x Wᵀ + s h Bᵀ:
    ///
    ///     dL/dB = s gᵀ h          dL/dh = s g B          dL/dA = (dL/dh)ᵀ xd
    ///     dL/dx = g W + mask ⊙ (dL/dh) A
    ///
    /// W gets no gradient: it is frozen. dL/dx is what lets layers stack; it costs a second
    /// decoding of W, so pass `inputGradient: nil` for a first layer.
    public func backward(
        input: UnsafeBufferPointer<Float>, outputGradient: UnsafeBufferPointer<Float>,
        inputGradient: UnsafeMutableBufferPointer<Float>?,
        buffers: inout StepBuffers, workspace: inout TrainingWorkspace
    ) {
        let rows = buffers.rows
        precondition(outputGradient.count == rows * outFeatures, "output gradient shape mismatch")
        let s = scaling
        let useDropout = !buffers.droppedInput.isEmpty
        let g = MatrixMultiply.Operand(outputGradient, rows: rows, columns: outFeatures)
        let available = workspace.threads
        var baseWork = MatrixMultiply.Work()
        defer { workspace.record(baseWork) }
        workspace.panels.withUnsafeMutableBufferPointer { panels in
            // dL/dB = s gᵀ h
            buffers.hidden.withUnsafeBufferPointer { hidden in
                buffers.gradientB.withUnsafeMutableBufferPointer { gradientB in
                    MatrixMultiply.multiply(
                        g.transposed, MatrixMultiply.Operand(hidden, rows: rows, columns: rank),
                        into: gradientB, scale: s, panels: panels,
                        threads: TrainingWorkspace.threads(available, m: outFeatures, n: rank, k: rows))
                }
            }
            // dL/dh = s g B
            b.scalars.withUnsafeBufferPointer { bValues in
                buffers.hiddenGradient.withUnsafeMutableBufferPointer { hiddenGradient in
                    MatrixMultiply.multiply(
                        g, MatrixMultiply.Operand(bValues, rows: outFeatures, columns: rank),
                        into: hiddenGradient, scale: s, panels: panels,
                        threads: TrainingWorkspace.threads(available, m: rows, n: rank, k: outFeatures))
                }
            }
            // dL/dA = (dL/dh)ᵀ dropout(x)
            buffers.droppedInput.withUnsafeBufferPointer { dropped in
                buffers.hiddenGradient.withUnsafeBufferPointer { hiddenGradient in
                    buffers.gradientA.withUnsafeMutableBufferPointer { gradientA in
                        MatrixMultiply.multiply(
                            MatrixMultiply.Operand(hiddenGradient, rows: rows, columns: rank).transposed,
                            MatrixMultiply.Operand(useDropout ? dropped : input, rows: rows, columns: inFeatures),
                            into: gradientA, panels: panels,
                            threads: TrainingWorkspace.threads(available, m: rank, n: inFeatures, k: rows))
                    }
                }
            }
            guard let inputGradient else { return }
            precondition(inputGradient.count == rows * inFeatures, "input gradient shape mismatch")
            // dL/dx = g W, through the frozen weight decoded again ...
            baseWork = base.multiply(
                g, transposed: false, into: inputGradient, panels: panels,
                threads: TrainingWorkspace.threads(available, m: rows, n: inFeatures, k: outFeatures))
            // ... plus (dL/dh) A through the adapter, masked as dropout masked the input.
            buffers.hiddenGradient.withUnsafeBufferPointer { hiddenGradient in
                a.scalars.withUnsafeBufferPointer { aValues in
                    let hiddenGradient = MatrixMultiply.Operand(hiddenGradient, rows: rows, columns: rank)
                    let aOperand = MatrixMultiply.Operand(aValues, rows: rank, columns: inFeatures)
                    if !useDropout {
                        MatrixMultiply.multiply(
                            hiddenGradient, aOperand, into: inputGradient, accumulate: true, panels: panels,
                            threads: TrainingWorkspace.threads(available, m: rows, n: inFeatures, k: rank))
                        return
                    }
                    buffers.droppedInputGradient.withUnsafeMutableBufferPointer { droppedGradient in
                        MatrixMultiply.multiply(
                            hiddenGradient, aOperand, into: droppedGradient, panels: panels,
                            threads: TrainingWorkspace.threads(available, m: rows, n: inFeatures, k: rank))
                        for index in 0..<droppedGradient.count {
                            inputGradient[index] += buffers.keep[index] * droppedGradient[index]
                        }
                    }
                }
            }
        }
    }

    /// Gradients of a loss with respect to A, B and the input.
    public struct Gradients: Equatable {
        /// dL/dA, r x in.
        public var a: Tensor
        /// dL/dB, out x r.
        public var b: Tensor
        /// dL/dx, shaped as x.
        public var input: Tensor
    }

    /// The gradients for input `x`, given dL/dy, after a forward pass that returned `buffers`
    /// (pass the same dropout generator state to reproduce a training step's mask).
    public func backward(_ x: Tensor, outputGradient: Tensor, buffers: StepBuffers) -> Gradients {
        precondition(outputGradient.count == x.rows * outFeatures, "output gradient shape mismatch")
        var buffers = buffers
        var workspace = TrainingWorkspace()
        var inputGradient = [Float](repeating: 0, count: x.count)
        x.scalars.withUnsafeBufferPointer { input in
            outputGradient.scalars.withUnsafeBufferPointer { outputGradient in
                inputGradient.withUnsafeMutableBufferPointer { inputGradient in
                    backward(input: input, outputGradient: outputGradient, inputGradient: inputGradient,
                             buffers: &buffers, workspace: &workspace)
                }
            }
        }
        return Gradients(
            a: Tensor(shape: a.shape, scalars: buffers.gradientA),
            b: Tensor(shape: b.shape, scalars: buffers.gradientB),
            input: Tensor(shape: x.shape, scalars: inputGradient))
    }
}

extension LoRALinear.Gradients: Sendable {}
