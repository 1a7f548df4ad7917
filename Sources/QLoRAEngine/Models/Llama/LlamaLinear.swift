/// One linear layer of a Llama block, `y = x Wᵀ`, with an optional LoRA adapter beside it:
///
///     y = x Wᵀ + scaling · (x Aᵀ) Bᵀ          W: out x in,  A: r x in,  B: out x r
///
/// W is float32 (trained by full fine-tuning, frozen under an adapter) or a packed 4-bit or integer
/// base that the matrix kernel decodes inside every product (QLoRA). The adapter is peft's
/// `lora.Linear` without dropout.
public struct LlamaLinear {
    /// The weight W, `[out, in]`, as transformers' `weight`.
    public var base: FrozenBase
    /// The adapter, if one is attached.
    public var adapter: Adapter?

    /// Output features: rows of W.
    public var outFeatures: Int { base.outFeatures }
    /// Input features: columns of W.
    public var inFeatures: Int { base.inFeatures }

    /// A LoRA adapter: A, B and the settings that give its scaling.
    public struct Adapter: Equatable {
        /// The down-projection A, `r` x `in` (peft's `lora_A.weight`).
        public var a: Tensor
        /// The up-projection B, `out` x `r` (peft's `lora_B.weight`).
        public var b: Tensor
        /// Rank, alpha and whether the scaling is rank-stabilized.
        public let configuration: LoRALinear.Configuration

        /// The adapter's rank r.
        public var rank: Int { configuration.rank }
        /// alpha / r, or alpha / sqrt(r) for rsLoRA.
        public var scaling: Float { configuration.scaling }
    }

    /// Creates a layer over `base`, with no adapter.
    public init(base: FrozenBase) {
        self.base = base
    }
}

extension LlamaLinear {
    /// `y = x Wᵀ (+ scaling · h Bᵀ with h = x Aᵀ)` for `rows` inputs, added to `residual` when
    /// one is given (a decoder block's skip connection, which y may not overlap).
    ///
    /// With an adapter, y is one product, `[x | h] · [Wᵀ ; scaling · Bᵀ]` (`MatrixMultiply`'s
    /// low-rank product); a layer too wide for that product's scratch (none of the tiny Llama's)
    /// takes the three products in turn, which round the same sums in another order.
    ///
    /// - Parameter hidden: where h is kept for backward (`rows` x r); unused without an adapter.
    func forward(
        _ x: UnsafeBufferPointer<Float>, rows: Int, into y: UnsafeMutableBufferPointer<Float>,
        adding residual: UnsafeBufferPointer<Float>? = nil, hidden: UnsafeMutableBufferPointer<Float>,
        context: LlamaKernelContext
    ) {
        let input = MatrixMultiply.Operand(x, rows: rows, columns: inFeatures)
        if let adapter,
            lowRank(input, adapter, forward: true, hidden: hidden, into: y, accumulate: false, adding: residual, context: context).ran
        {
            return
        }
        base.multiply(
            input, transposed: true, into: y, adding: residual, panels: context.panels,
            threads: context.threads(m: rows, n: outFeatures, k: inFeatures))
        guard let adapter else { return }
        let r = adapter.rank
        adapter.a.scalars.withUnsafeBufferPointer { a in
            MatrixMultiply.multiply(
                input, MatrixMultiply.Operand(a, rows: r, columns: inFeatures).transposed, into: hidden,
                panels: context.panels, threads: context.threads(m: rows, n: r, k: inFeatures))
        }
        adapter.b.scalars.withUnsafeBufferPointer { b in
            MatrixMultiply.multiply(
                MatrixMultiply.Operand(UnsafeBufferPointer(hidden), rows: rows, columns: r),
                MatrixMultiply.Operand(b, rows: outFeatures, columns: r).transposed, into: y,
                scale: adapter.scaling, accumulate: true, panels: context.panels,
                threads: context.threads(m: rows, n: outFeatures, k: r))
        }
    }

    /// The backward pass, after `forward` kept h for the same x. With g = dL/dy:
    ///
    ///     dL/dW = gᵀ x  (full fine-tuning only)     dL/dB = s gᵀ h     dL/dh = s g B
    ///     dL/dA = (dL/dh)ᵀ x                         dL/dx = g W + (dL/dh) A
    ///
    /// - Parameters:
    ///   - gradients: where dL/dW, dL/dA, dL/dB go; a nil buffer is a gradient not wanted.
    ///   - inputGradient: dL/dx, added to when `accumulate`; nil when nothing below needs it.
    func backward(
        _ x: UnsafeBufferPointer<Float>, rows: Int, outputGradient g: UnsafeBufferPointer<Float>,
        hidden: UnsafeBufferPointer<Float>, hiddenGradient: UnsafeMutableBufferPointer<Float>,
        gradients: LlamaLinearGradients, inputGradient: UnsafeMutableBufferPointer<Float>?, accumulate: Bool,
        context: LlamaKernelContext
    ) {
        let gradient = MatrixMultiply.Operand(g, rows: rows, columns: outFeatures)
        let input = MatrixMultiply.Operand(x, rows: rows, columns: inFeatures)
        if let weightGradient = gradients.weight {
            MatrixMultiply.multiply(
                gradient.transposed, input, into: weightGradient, panels: context.panels,
                threads: context.threads(m: outFeatures, n: inFeatures, k: rows))
        }
        // dL/dx and dL/dh in one pass over g when both are wanted, and with them dL/dA and dL/dB
        // when the pass can (the same bits as below).
        let work = if let adapter, let inputGradient {
            lowRank(
                gradient, adapter, forward: false, hidden: hiddenGradient, into: inputGradient, accumulate: accumulate,
                adding: nil, weightGradients: weightGradients(input, hidden, gradients, adapter, context), context: context)
        } else {
            MatrixMultiply.LowRankWork(ran: false, weightGradients: false)
        }
        let fused = work.ran
        if let inputGradient, !fused {
            base.multiply(
                gradient, transposed: false, into: inputGradient, accumulate: accumulate, panels: context.panels,
                threads: context.threads(m: rows, n: inFeatures, k: outFeatures))
        }
        guard let adapter else { return }
        let r = adapter.rank
        let h = MatrixMultiply.Operand(hidden, rows: rows, columns: r)
        if let gradientB = gradients.b, !work.weightGradients {
            MatrixMultiply.multiply(
                gradient.transposed, h, into: gradientB, scale: adapter.scaling, panels: context.panels,
                threads: context.threads(m: outFeatures, n: r, k: rows))
        }
        if !fused {
            adapter.b.scalars.withUnsafeBufferPointer { b in
                MatrixMultiply.multiply(
                    gradient, MatrixMultiply.Operand(b, rows: outFeatures, columns: r), into: hiddenGradient,
                    scale: adapter.scaling, panels: context.panels, threads: context.threads(m: rows, n: r, k: outFeatures))
            }
        }
        let dh = MatrixMultiply.Operand(UnsafeBufferPointer(hiddenGradient), rows: rows, columns: r)
        if let gradientA = gradients.a, !work.weightGradients {
            MatrixMultiply.multiply(
                dh.transposed, input, into: gradientA, panels: context.panels,
                threads: context.threads(m: r, n: inFeatures, k: rows))
        }
        if let inputGradient, !fused {
            adapter.a.scalars.withUnsafeBufferPointer { a in
                MatrixMultiply.multiply(
                    dh, MatrixMultiply.Operand(a, rows: r, columns: inFeatures), into: inputGradient,
                    accumulate: true, panels: context.panels, threads: context.threads(m: rows, n: inFeatures, k: r))
            }
        }
    }

    /// Where the backward low-rank product may put dL/dA and dL/dB: nil unless both are wanted.
    private func weightGradients(
        _ input: MatrixMultiply.Operand, _ hidden: UnsafeBufferPointer<Float>, _ gradients: LlamaLinearGradients,
        _ adapter: Adapter, _ context: LlamaKernelContext
    ) -> LowRankWeightGradients? {
        guard let a = gradients.a, let b = gradients.b else { return nil }
        return LowRankWeightGradients(
            input: input, hidden: hidden.baseAddress.unsafelyUnwrapped, a: a, b: b, scale: adapter.scaling,
            rank: adapter.rank, partials: context.partials)
    }

    /// Runs `MatrixMultiply`'s low-rank product for `forward` (x: Wᵀ, down = Aᵀ, up = Bᵀ scaled by
    /// s) or `backward` (g: W, down = B scaled by s, up = A). Returns false when it did not fit.
    private func lowRank(
        _ input: MatrixMultiply.Operand, _ adapter: Adapter, forward: Bool, hidden: UnsafeMutableBufferPointer<Float>,
        into c: UnsafeMutableBufferPointer<Float>, accumulate: Bool, adding addend: UnsafeBufferPointer<Float>?,
        weightGradients: LowRankWeightGradients? = nil, context: LlamaKernelContext
    ) -> MatrixMultiply.LowRankWork {
        let r = adapter.rank
        return adapter.a.scalars.withUnsafeBufferPointer { a in
            adapter.b.scalars.withUnsafeBufferPointer { b in
                let loraA = MatrixMultiply.Operand(a, rows: r, columns: inFeatures)
                let loraB = MatrixMultiply.Operand(b, rows: outFeatures, columns: r)
                let threads = context.threads(m: input.rows, n: forward ? outFeatures : inFeatures, k: input.columns)
                let product = forward
                    ? LowRankProduct(
                        a: input, down: loraA.transposed, downScale: 1, up: loraB.transposed, upScale: adapter.scaling,
                        hidden: hidden, c: c, accumulate: accumulate, addend: addend, weightGradients: nil,
                        panels: context.panels, threads: threads)
                    : LowRankProduct(
                        a: input, down: loraB, downScale: adapter.scaling, up: loraA, upScale: 1,
                        hidden: hidden, c: c, accumulate: accumulate, addend: addend, weightGradients: weightGradients,
                        panels: context.panels, threads: threads)
                return base.read(transposed: forward, product)
            }
        }
    }

    /// `lowRank` once W's storage format is known.
    private struct LowRankProduct: PanelSourceReader {
        let a: MatrixMultiply.Operand
        let down: MatrixMultiply.Operand, downScale: Float
        let up: MatrixMultiply.Operand, upScale: Float
        let hidden: UnsafeMutableBufferPointer<Float>
        let c: UnsafeMutableBufferPointer<Float>
        let accumulate: Bool
        let addend: UnsafeBufferPointer<Float>?
        let weightGradients: LowRankWeightGradients?
        let panels: UnsafeMutableBufferPointer<Float>
        let threads: Int

        func read(_ main: some PanelSource) -> MatrixMultiply.LowRankWork {
            MatrixMultiply.multiply(
                a, main: main, down: down, downScale: downScale, up: up, upScale: upScale, hidden: hidden, into: c,
                accumulate: accumulate, adding: addend, weightGradients: weightGradients, panels: panels, threads: threads)
        }
    }
}

/// Where one linear layer's parameter gradients go in a backward pass: nil for one not trained.
struct LlamaLinearGradients {
    var weight: UnsafeMutableBufferPointer<Float>?
    var a: UnsafeMutableBufferPointer<Float>?
    var b: UnsafeMutableBufferPointer<Float>?
}

extension LlamaLinear: Sendable {}
extension LlamaLinear.Adapter: Sendable {}
