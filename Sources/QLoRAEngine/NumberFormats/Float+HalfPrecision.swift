extension Float {
    /// The float32 value of an IEEE 754 half-precision (float16) bit pattern; every float16 is exact in float32.
    ///
    /// Written out rather than going through `Float16`, which some platforms lack: 1 sign bit,
    /// 5 exponent bits (bias 15), 10 fraction bits.
    public init(float16Bits bits: UInt16) {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let fraction = UInt32(bits) & 0x3FF
        switch exponent {
        case 0x1F:
            // Infinity or NaN: all-ones exponent, the fraction moved to the top of float32's.
            self.init(bitPattern: sign | 0x7F80_0000 | (fraction << 13))
        case 0 where fraction == 0:
            self.init(bitPattern: sign)
        case 0:
            // Subnormal: fraction * 2^-24, which float32 holds as a normal number.
            let magnitude = Float(fraction) * 0x1p-24
            self = sign == 0 ? magnitude : -magnitude
        default:
            self.init(bitPattern: sign | ((exponent + 127 - 15) << 23) | (fraction << 13))
        }
    }

    /// The float32 value of a bfloat16 bit pattern: bfloat16 is the top half of a float32.
    public init(bfloat16Bits bits: UInt16) {
        self.init(bitPattern: UInt32(bits) << 16)
    }
}
