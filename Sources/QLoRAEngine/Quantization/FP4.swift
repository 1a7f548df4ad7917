/// bitsandbytes' 4-bit float (FP4): the 16 values a FP4 code can stand for.
///
/// A code is a tiny float: bit 3 is the sign, and the three low bits pick one of eight magnitudes
/// (0, 0.0625, 8, 12, 4, 6, 2, 3 in bitsandbytes' raw units: two exponent bits, one mantissa bit,
/// an exponent bias of its own). Dividing by the largest, 12, puts them in [-1, 1]. Unlike NF4
/// the codes are not in value order, and 0 has two codes, 0 and 8 (bitsandbytes writes the
/// second as the integer `-0`, so it is +0.0 too).
public enum FP4 {
    /// The magnitudes of codes 0...7 before scaling, in bitsandbytes' raw units.
    public static let rawMagnitudes: [Float] = [0, 0.0625, 8, 12, 4, 6, 2, 3]

    /// The codebook of bitsandbytes (`get_4bit_type("fp4")`), codes 0...15 in order.
    public static let codebook: [Float] = {
        let largest = rawMagnitudes.max() ?? 1
        let positive = rawMagnitudes.map { $0 / largest }
        // 0 - m rather than -m: code 8 is +0.0 in bitsandbytes' table, not -0.0.
        return positive + positive.map { 0 - $0 }
    }()
}
