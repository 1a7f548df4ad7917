/// The two 4-bit data types of bitsandbytes' `quantize_4bit`: which 16 values a code can stand for.
public enum FourBitType: String, CaseIterable {
    /// NormalFloat 4-bit: 16 quantiles of the standard normal, for weights that look normal.
    case nf4
    /// bitsandbytes' 4-bit float: sign, two exponent bits, one mantissa bit, with its own scaling.
    case fp4

    /// The value of each code 0...15, in code order, scaled to [-1, 1].
    public var codebook: [Float] {
        switch self {
        case .nf4: NF4.codebook
        case .fp4: FP4.codebook
        }
    }
}

extension FourBitType: Sendable {}
