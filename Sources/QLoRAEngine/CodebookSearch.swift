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

    /// Prepares the search for a codebook of at most 256 levels, listed in code order.
    init(codebook: [Float]) {
        precondition((1...256).contains(codebook.count), "a codebook holds 1 to 256 levels")
        // Sorting by (value, code) keeps equal levels in code order, as `torch.argsort` does for
        // FP4's two zeros: codes 0 and 8 are both 0.0, and a value of exactly 0 must get code 0.
        let order = codebook.indices.sorted { (codebook[$0], $0) < (codebook[$1], $1) }
        midpoints = zip(order.dropLast(), order.dropFirst()).map { (codebook[$0] + codebook[$1]) / 2 }
        codeAtPosition = order.map { UInt8($0) }
    }

    /// The code for a value already scaled into [-1, 1]: binary search over the boundaries.
    func code(of scaled: Float) -> UInt8 {
        var low = 0
        var high = midpoints.count
        while low < high {
            let middle = (low + high) / 2
            if midpoints[middle] < scaled { low = middle + 1 } else { high = middle }
        }
        return codeAtPosition[low]
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
        precondition(codes.count >= values.count && absmax.count >= (values.count + blocksize - 1) / blocksize)
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
