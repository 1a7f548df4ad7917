extension AbsmaxIntegerQuantized {
    /// Writes `Float(code) * scale` for every value into `output` without allocating: the form a
    /// training loop calls every step.
    ///
    /// - Precondition: `output.count` equals the number of values.
    public func dequantize(into output: UnsafeMutableBufferPointer<Float>) {
        precondition(output.count == codes.count, "output holds \(output.count) values, expected \(codes.count)")
        let span = blocksize ?? max(codes.count, 1)
        codes.withUnsafeBufferPointer { codes in
            scales.withUnsafeBufferPointer { scales in
                for block in 0..<scales.count {
                    let scale = scales[block]
                    for index in block * span..<min((block + 1) * span, codes.count) {
                        output[index] = Float(codes[index]) * scale
                    }
                }
            }
        }
    }
}
