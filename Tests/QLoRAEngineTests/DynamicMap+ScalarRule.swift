@testable import QLoRAEngine

/// bitsandbytes' CPU rule for `quantize_blockwise` with the dynamic map, written plainly, one value
/// at a time: what the byte-code kernel is held against.
extension DynamicMap {
    /// The lookup-table slot of a value scaled into [-1, 1]: `(x + 1) / 2 * 65535`, rounded half up;
    /// a NaN takes slot 0, as in bitsandbytes' kernel on x86.
    static func slot(of scaled: Float) -> Int {
        let clamped: Float = !(scaled >= -1) ? -1 : min(scaled, 1)
        return Int((clamped + 1) * 0.5 * 65535 + 0.5)
    }

    /// Quantizes `values` in blocks of `blocksize`: each block's absmax, and each value's code
    /// looked up at the slot of the value times the absmax's float32 reciprocal (code 0 throughout
    /// an all-zero block).
    static func quantizeBlockwise(_ values: [Float], blocksize: Int) -> (codes: [UInt8], absmax: [Float]) {
        var codes: [UInt8] = []
        var absmax: [Float] = []
        for start in stride(from: 0, to: values.count, by: blocksize) {
            let block = values[start..<min(start + blocksize, values.count)]
            let largest = block.map { abs($0) }.max() ?? 0
            absmax.append(largest)
            let reciprocal = 1 / largest
            codes += block.map { largest == 0 ? 0 : lookupTable[slot(of: $0 * reciprocal)] }
        }
        return (codes, absmax)
    }
}
