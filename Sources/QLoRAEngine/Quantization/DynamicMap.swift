/// bitsandbytes' signed 8-bit dynamic data type (`create_dynamic_map(signed=True)`), the codebook
/// double quantization uses for the absmax values.
///
/// A dynamic code spends its bits on a decimal exponent first and a linear fraction after it
/// (Dettmers, "8-bit Approximations for Parallelism in Deep Learning", 2016): for exponents
/// 10⁻⁶ ... 10⁰ it holds 1, 2, 4, ..., 64 evenly spaced fractions in [0.1, 1], so small values keep
/// as many significant digits as large ones. With both signs, 0 and 1 that makes 256 values.
enum DynamicMap {
    /// The 256 values in ascending order, equal bit for bit to bitsandbytes' map.
    static let values: [Float] = build()

    /// Builds the map as bitsandbytes does: for exponent step i = 0...6, the midpoints of
    /// `linspace(0.1, 1, 2^i + 1)` in float32, times 10^(i-6) rounded to float32, with both signs.
    static func build() -> [Float] {
        let decimalScales: [Double] = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1]
        var values: [Float] = [0, 1]
        for (step, decimalScale) in decimalScales.enumerated() {
            let boundaries = PyTorchFloat32.linspace(from: 0.1, to: 1, count: (1 << step) + 1)
            let scale = Float(decimalScale)
            for index in 0..<(boundaries.count - 1) {
                let fraction = (boundaries[index] + boundaries[index + 1]) / 2
                values.append(scale * fraction)
                values.append(-(scale * fraction))
            }
        }
        return values.sorted()
    }
}
