import CQLoRAKernels

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

    /// The code of each of the 65,536 evenly spaced slots of [-1, 1], as bitsandbytes' CPU kernel
    /// builds its table: slot i is the value -1 + 2i / 65535, and its code is the number of the map's
    /// midpoints below it (so the lower level on a tie). Looking a scaled value's slot up is not quite
    /// the nearest level: next to 0, where the levels are closer than a slot's width, a value can
    /// get a neighbour of its nearest level. bitsandbytes' codes are these, so ours are too.
    static let lookupTable: [UInt8] = buildLookupTable()

    /// Builds `lookupTable`, slot by slot, walking the map's midpoints once.
    private static func buildLookupTable() -> [UInt8] {
        let midpoints = zip(values.dropLast(), values.dropFirst()).map { 0.5 * ($0 + $1) }
        let slots = Int(qlora_byte_code_slots)
        var table = [UInt8](repeating: 0, count: slots)
        var code = 0
        for slot in 0..<slots {
            let value = -1 + (2 * Float(slot)) / Float(slots - 1)
            while code < midpoints.count && midpoints[code] < value { code += 1 }
            table[slot] = UInt8(code)
        }
        return table
    }

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
