@testable import QLoRAEngine

/// bitsandbytes' rule written plainly, one value at a time: what the vector kernels are held against.
extension CodebookSearch {
    /// bitsandbytes' `absmax.clamp(min=1e-38)`: an all-zero block scales to zeros instead of NaN.
    static let smallestDivisor: Float = 1e-38

    /// The code for a value already scaled into [-1, 1]: the code at the position given by the
    /// number of boundaries strictly below it.
    func code(of scaled: Float) -> UInt8 {
        codeAtPosition[midpoints.count(where: { $0 < scaled })]
    }

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
