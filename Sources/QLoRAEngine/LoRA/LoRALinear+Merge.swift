extension LoRALinear {
    /// A layer's adapter folded into its base weight.
    public struct Merged {
        /// W + scaling · B A, stored in the base's own format and blocksize.
        public var base: FrozenBase
        /// W + scaling · B A in float32, before it was stored.
        public var exactWeight: Tensor
        /// What storing the merged weight changed: zero for a float32 base, otherwise the
        /// quantization error re-quantizing adds. A merged QLoRA layer computes
        /// `x (W + s B A)ᵀ` only to within this error.
        public var requantizationError: ErrorStatistics
    }

    /// Folds the adapter into the base, `W ← W + scaling · B A` (peft's `merge`), and stores the
    /// result as the base was stored, so inference needs no adapter.
    ///
    /// - Throws: `InputError` if the quantizer rejects the merged weight.
    public func merged() throws -> Merged {
        var weight = base.dequantized()
        // W += s · B A: for each output row o, add s · Σ_j B[o, j] A[j, :].
        for o in 0..<outFeatures {
            for j in 0..<rank {
                let factor = scaling * b[o, j]
                if factor == 0 { continue }
                for column in 0..<inFeatures { weight[o, column] += factor * a[j, column] }
            }
        }
        let stored: FrozenBase
        switch base {
        case .float32:
            stored = .float32(weight)
        case .fourBit(let packed):
            let doubleQuantization = if case .doubleQuantized = packed.scales { true } else { false }
            stored = .fourBit(try FourBitQuantized(
                quantizing: weight, type: packed.type, blocksize: packed.blocksize, doubleQuantization: doubleQuantization))
        case .integer(let packed):
            stored = .integer(try AbsmaxIntegerQuantized(quantizing: weight, bits: packed.bits, blocksize: packed.blocksize))
        }
        let error = ErrorStatistics(original: weight, reconstructed: stored.dequantized(), blocksize: stored.blocksize)
        return Merged(base: stored, exactWeight: weight, requantizationError: error)
    }
}

extension LoRALinear.Merged: Sendable {}
