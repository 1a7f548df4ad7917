import Testing
@testable import QLoRAEngine

@Suite struct FloatingPointFormatTests {
    @Test func limitsMatchTheStandards() {
        #expect(FloatingPointFormat.fp16.largestFinite == 65504)
        #expect(FloatingPointFormat.fp16.epsilon == 0x1p-10)
        #expect(FloatingPointFormat.fp16.smallestPositive == 0x1p-24)
        #expect(FloatingPointFormat.bf16.largestFinite == Double(Float(bitPattern: 0x7F7F_0000)))
        #expect(FloatingPointFormat.fp32.largestFinite == Double(Float.greatestFiniteMagnitude))
        #expect(FloatingPointFormat.fp32.smallestPositive == Double(Float.leastNonzeroMagnitude))
        #expect(FloatingPointFormat.bf16.bitWidth == 16 && FloatingPointFormat.fp32.bitWidth == 32)
    }

    @Test func float32ValuesRoundTripThroughFP32Unchanged() {
        var generator = SeededGenerator(seed: 3)
        for _ in 0..<1000 {
            let value = Double(generator.nextNormal() * 1000)
            #expect(FloatingPointFormat.fp32.rounded(value) == value)
        }
    }

    /// Values and what FP16 stores for them: overflow, the largest finite, underflow, the smallest
    /// subnormal, and two ties near 1 that go to the even neighbour.
    static let fp16Cases: [(value: Double, stored: Double)] = [
        (70000, .infinity), (65519, 65504), (65520, .infinity), (1e-8, 0), (-1e-8, -0), (3e-8, 0x1p-24),
        (1 + 0x1p-11, 1), (1 + 3 * 0x1p-11, 1 + 0x1p-9),
    ]

    @Test(arguments: fp16Cases)
    func fp16RoundsToNearestEvenAndOverflowsToInfinity(value: Double, stored: Double) {
        #expect(FloatingPointFormat.fp16.rounded(value) == stored)
    }

    @Test func bf16KeepsTheTopSixteenBitsRoundedToNearestEven() {
        var generator = SeededGenerator(seed: 5)
        for _ in 0..<1000 {
            let value = generator.nextNormal() * 100
            let bits = value.bitPattern
            // Round to nearest even on the low 16 bits, as PyTorch converts float32 to bfloat16.
            let rounded = (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) & 0xFFFF_0000
            #expect(FloatingPointFormat.bf16.rounded(Double(value)) == Double(Float(bitPattern: rounded)))
        }
        #expect(FloatingPointFormat.bf16.rounded(70000) == 70144)
    }

    #if !(os(macOS) && arch(x86_64))
    @Test func fp16AgreesWithTheHardwareConversion() {
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<2000 {
            let value = generator.nextNormal() * Float([1e-6, 1e-3, 1, 1000, 50000][generator.nextIndex(below: 5)])
            #expect(FloatingPointFormat.fp16.rounded(Double(value)) == Double(Float(Float16(value))))
        }
    }
    #endif
}
