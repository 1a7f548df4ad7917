import Foundation

/// A binary floating-point format: a sign bit, `exponentBits` of biased exponent and
/// `mantissaBits` of fraction, with subnormals, infinities and round-to-nearest-even.
///
/// One description covers FP32, FP16 and BF16, so the tutor can show what each gives up by
/// rounding the same value through all three. Rounding is done in double precision, where every
/// step below is exact for the formats listed here.
public struct FloatingPointFormat: Equatable {
    /// The name people use for the format, such as `BF16`.
    public var name: String
    /// Bits of the biased exponent.
    public var exponentBits: Int
    /// Bits of the fraction after the implicit leading one.
    public var mantissaBits: Int

    /// A format with `exponentBits` of exponent and `mantissaBits` of stored fraction.
    ///
    /// - Precondition: 2...11 exponent bits and 1...52 mantissa bits, so every value fits a `Double`.
    public init(name: String, exponentBits: Int, mantissaBits: Int) {
        precondition((2...11).contains(exponentBits) && (1...52).contains(mantissaBits), "unsupported format")
        self.name = name
        self.exponentBits = exponentBits
        self.mantissaBits = mantissaBits
    }

    /// IEEE 754 binary32, the precision weights are trained in.
    public static let fp32 = FloatingPointFormat(name: "FP32", exponentBits: 8, mantissaBits: 23)
    /// IEEE 754 binary16: finer than BF16 near one, with a far smaller range.
    public static let fp16 = FloatingPointFormat(name: "FP16", exponentBits: 5, mantissaBits: 10)
    /// bfloat16: FP32's exponent with a 7-bit fraction, the top half of a float32.
    public static let bf16 = FloatingPointFormat(name: "BF16", exponentBits: 8, mantissaBits: 7)
}

extension FloatingPointFormat {
    /// Bits per value: sign, exponent and fraction.
    public var bitWidth: Int { 1 + exponentBits + mantissaBits }

    /// The exponent bias: `2^(exponentBits - 1) - 1`.
    private var bias: Int { (1 << (exponentBits - 1)) - 1 }

    /// The exponent of the smallest normal number.
    private var minimumExponent: Int { 1 - bias }

    /// The largest finite value: `(2 - 2^-mantissaBits) * 2^bias`.
    public var largestFinite: Double { (2 - pow(2, Double(-mantissaBits))) * pow(2, Double(bias)) }

    /// The smallest positive value, a subnormal: `2^(minimumExponent - mantissaBits)`.
    public var smallestPositive: Double { pow(2, Double(minimumExponent - mantissaBits)) }

    /// The gap between 1 and the next larger value (machine epsilon).
    public var epsilon: Double { pow(2, Double(-mantissaBits)) }

    /// `value` rounded to the nearest value the format holds (ties to even), or an infinity
    /// when it rounds beyond the largest finite value.
    public func rounded(_ value: Double) -> Double {
        guard value.isFinite, value != 0 else { return value }
        let magnitude = Swift.abs(value)
        // frexp gives magnitude = fraction * 2^exponent with fraction in [0.5, 1).
        let exponent = max(frexp(magnitude).1 - 1, minimumExponent)
        let quantum = pow(2, Double(exponent - mantissaBits))
        let result = (magnitude / quantum).rounded(.toNearestOrEven) * quantum
        let bounded = result > largestFinite ? Double.infinity : result
        return value < 0 ? -bounded : bounded
    }
}

extension FloatingPointFormat: Sendable {}
