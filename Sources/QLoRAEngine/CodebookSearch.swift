/// Finds the code of the codebook level nearest to a value, with bitsandbytes' tie rule.
///
/// The levels are sorted and the midpoint of each neighbouring pair is a decision boundary. A value's
/// sorted position is the number of boundaries strictly below it (`torch.bucketize`), so a value
/// exactly on a boundary goes to the lower level. The position maps back to the code: the identity
/// for NF4 and the dynamic map, a permutation for FP4, whose codes are not in value order.
struct CodebookSearch {
    /// The decision boundaries, ascending: `(sorted[i] + sorted[i + 1]) / 2` in float32.
    let midpoints: [Float]
    /// The code of the level at each sorted position.
    let codeAtPosition: [UInt8]
    /// `midpoints` in vectors of 16, the last one padded with +infinity, which no value is above.
    private let boundaryVectors: [SIMD16<Float>]
    /// The last boundary of each vector (+infinity past the last vector): a value above lane j's
    /// boundary is above all 16 boundaries of vector j, since they are sorted.
    private let lastBoundaries: SIMD16<Float>

    /// Prepares the search for a codebook of at most 256 levels, listed in code order.
    init(codebook: [Float]) {
        precondition((1...256).contains(codebook.count), "a codebook holds 1 to 256 levels")
        // Sorting by (value, code) keeps equal levels in code order, as `torch.argsort` does for
        // FP4's two zeros: codes 0 and 8 are both 0.0, and a value of exactly 0 must get code 0.
        let order = codebook.indices.sorted { (codebook[$0], $0) < (codebook[$1], $1) }
        let midpoints = zip(order.dropLast(), order.dropFirst()).map { (codebook[$0] + codebook[$1]) / 2 }
        self.midpoints = midpoints
        codeAtPosition = order.map { UInt8($0) }
        boundaryVectors = stride(from: 0, to: midpoints.count, by: 16).map { start in
            var vector = SIMD16<Float>(repeating: .infinity)
            for lane in 0..<min(16, midpoints.count - start) { vector[lane] = midpoints[start + lane] }
            return vector
        }
        var lastBoundaries = SIMD16<Float>(repeating: .infinity)
        for (index, vector) in boundaryVectors.enumerated() { lastBoundaries[index] = vector[15] }
        self.lastBoundaries = lastBoundaries
    }

    /// The code for a value already scaled into [-1, 1]: the code at the position given by the
    /// number of boundaries strictly below it.
    ///
    /// Two vector compares find it, for any codebook up to 256 levels, where a binary search would
    /// branch on every step and the processor mispredict half of those.
    func code(of scaled: Float) -> UInt8 {
        // A lane of a comparison mask is all ones (-1) where the boundary is below the value.
        // First the vectors whose every boundary is below, then the boundaries below in the next.
        let fullVectors = Int(0 &- unsafeBitCast(lastBoundaries .< scaled, to: SIMD16<Int32>.self).wrappedSum())
        guard fullVectors < boundaryVectors.count else { return codeAtPosition[midpoints.count] }
        let below = 0 &- unsafeBitCast(boundaryVectors[fullVectors] .< scaled, to: SIMD16<Int32>.self).wrappedSum()
        return codeAtPosition[16 * fullVectors + Int(below)]
    }
}

extension CodebookSearch: Sendable {}

extension CodebookSearch {
    /// The smallest absmax a block is divided by (bitsandbytes' `absmax.clamp(min=1e-38)`), so an
    /// all-zero block scales to zeros instead of NaN.
    static let smallestDivisor: Float = 1e-38

    /// Quantizes `values` blockwise, one code per value, with bitsandbytes' rule for
    /// `quantize_4bit` and `quantize_blockwise` (its reference PyTorch path, `backends/default`).
    ///
    /// A full block keeps `absmax = max |x|` (0 for an all-zero block) and multiplies by the float32
    /// reciprocal `1 / max(absmax, 1e-38)`. The last block, when shorter than `blocksize`, is
    /// handled on its own in bitsandbytes and differs twice: it stores the clamped absmax (1e-38
    /// rather than 0 when it is all zeros) and divides by it instead of multiplying by its
    /// reciprocal, which can move a value by one ulp. Scaled values are clamped to [-1, 1].
    func quantizeBlockwise(
        _ values: UnsafeBufferPointer<Float>, blocksize: Int,
        codes: UnsafeMutableBufferPointer<UInt8>, absmax: UnsafeMutableBufferPointer<Float>
    ) {
        precondition(codes.count >= values.count && absmax.count >= values.count.dividedRoundingUp(by: blocksize))
        var start = 0
        var block = 0
        while start < values.count {
            let end = min(start + blocksize, values.count)
            var largest: Float = 0
            for index in start..<end { largest = max(largest, abs(values[index])) }
            if end - start == blocksize {
                absmax[block] = largest
                let reciprocal = 1 / max(largest, Self.smallestDivisor)
                for index in start..<end {
                    codes[index] = code(of: min(max(values[index] * reciprocal, -1), 1))
                }
            } else {
                let divisor = max(largest, Self.smallestDivisor)
                absmax[block] = divisor
                for index in start..<end {
                    codes[index] = code(of: min(max(values[index] / divisor, -1), 1))
                }
            }
            start = end
            block += 1
        }
    }
}
