import Testing
@testable import QLoRAEngine

@Suite struct HalfPrecisionTests {
    /// Every float16 bit pattern converts as the platform's own `Float16` does (where it has one).
    @Test func agreesWithFloat16OnEveryBitPattern() {
        #if !(os(macOS) && arch(x86_64))  // Float16 exists everywhere but on Intel Macs
        let mismatches = (UInt16.min...UInt16.max).filter { bits in
            let expected = Float(Float16(bitPattern: bits))
            let converted = Float(float16Bits: bits)
            return converted.bitPattern != expected.bitPattern && !(converted.isNaN && expected.isNaN)
        }
        #expect(mismatches.isEmpty)
        #endif
    }

    @Test func bfloat16IsTheTopHalfOfFloat32() {
        #expect(Float(bfloat16Bits: 0x3F80) == 1)
        #expect(Float(bfloat16Bits: 0xC0A0) == -5)
        #expect(Float(bfloat16Bits: 0x7F80) == .infinity)
        #expect(Float(bfloat16Bits: 0x7FC0).isNaN)
    }
}
