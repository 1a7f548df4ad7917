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

    /// The two values every packed byte stands for, high nibble first, for all 256 bytes:
    /// dequantizing becomes one lookup per byte.
    var bytePairs: [SIMD2<Float>] {
        switch self {
        case .nf4: Self.nf4BytePairs
        case .fp4: Self.fp4BytePairs
        }
    }

    private static let nf4BytePairs = bytePairs(of: NF4.codebook)
    private static let fp4BytePairs = bytePairs(of: FP4.codebook)

    private static func bytePairs(of codebook: [Float]) -> [SIMD2<Float>] {
        (0..<256).map { byte in SIMD2(codebook[byte >> 4], codebook[byte & 0x0F]) }
    }
}

extension FourBitType: Sendable {}
