import Testing
@testable import QLoRAEngine

@Suite struct MinMax4BitQuantizedTests {
    /// 24 draws of 0.3·N(0, 1) with the minimum pinned to -1 and the maximum to 2, then 12 values built
    /// so that (x - min) / scale is exactly k + 0.5 in float32 (ties).
    static let inputs: [UInt32] = [
        0xBF80_0000, 0x4000_0000, 0xBD99_F49B, 0xBE05_499F, 0x3E82_5CA7, 0x3E54_95D1, 0xBDC2_2883, 0xBF22_72E8,
        0x3E0F_CC9A, 0xBD41_CC0C, 0x3EDD_BF07, 0x3DA3_75F5, 0x3D4C_8A53, 0x3E86_4E18, 0xBD30_4CF9, 0xBD09_2543,
        0x3E8F_20EA, 0x3EC1_6243, 0x3F19_FB86, 0x3C84_1056, 0x3E3D_DDF4, 0xBDFD_A02D, 0xBE81_3004, 0xBF31_DF3D,
        0xBF33_3333, 0xBEFF_FFFF, 0xBE99_999A, 0xBDCC_CCC5, 0x3DCC_CCC9, 0x3EFF_FFFE, 0x3F33_3333, 0x3F66_6666,
        0x3FA6_6666, 0x3FBF_FFFF, 0x3FD9_999A, 0x3FF3_3333,
    ]

    /// What the notebook's PyTorch code (torch 2.15, `torch.round`) returns for `inputs`.
    static let pytorchCodes: [UInt8] = [
        0, 15, 5, 4, 6, 6, 5, 2, 6, 5, 7, 5, 5, 6, 5, 5, 6, 7, 8, 5, 6, 4, 4, 2,
        2, 2, 4, 4, 6, 8, 8, 10, 12, 12, 14, 14,
    ]

    /// What the notebook's `dequantize` returns for those codes, as float32 bit patterns.
    static let pytorchDequantized: [UInt32] = [
        0xBF80_0000, 0x4000_0000, 0x0000_0000, 0xBE4C_CCCC, 0x3E4C_CCD0, 0x3E4C_CCD0, 0x0000_0000, 0xBF19_999A,
        0x3E4C_CCD0, 0x0000_0000, 0x3ECC_CCCC, 0x0000_0000, 0x0000_0000, 0x3E4C_CCD0, 0x0000_0000, 0x0000_0000,
        0x3E4C_CCD0, 0x3ECC_CCCC, 0x3F19_999A, 0x0000_0000, 0x3E4C_CCD0, 0xBE4C_CCCC, 0xBE4C_CCCC, 0xBF19_999A,
        0xBF19_999A, 0xBF19_999A, 0xBE4C_CCCC, 0xBE4C_CCCC, 0x3E4C_CCD0, 0x3F19_999A, 0x3F19_999A, 0x3F80_0000,
        0x3FB3_3334, 0x3FB3_3334, 0x3FE6_6666, 0x3FE6_6666,
    ]

    static var tensor: Tensor {
        Tensor(shape: [6, 6], scalars: inputs.map(Float.init(bitPattern:)))
    }

    @Test func codesEqualPyTorchTiesIncluded() throws {
        let quantized = try MinMax4BitQuantized(quantizing: Self.tensor)
        #expect(quantized.codes == Self.pytorchCodes)
        #expect(quantized.minimum == -1)
        #expect(quantized.scale == 3 / Float(15))
    }

    /// The tie inputs really are ties, so the test above checks round-half-to-even.
    @Test func tieInputsLandExactlyOnHalves() {
        let scale = Float(3) / 15
        let halves = Self.inputs.dropFirst(24).map { (Float(bitPattern: $0) + 1) / scale }
        #expect(halves.allSatisfy { $0 - $0.rounded(.down) == 0.5 })
        // Every tie lands on an even code; rounding half away from zero would make half of them odd.
        #expect(Set(Self.pytorchCodes.dropFirst(24).map { $0 % 2 }) == [0])
    }

    @Test func dequantizedEqualsPyTorch() throws {
        let quantized = try MinMax4BitQuantized(quantizing: Self.tensor)
        #expect(quantized.dequantized().scalars.map(\.bitPattern) == Self.pytorchDequantized)
        #expect(quantized.dequantized().shape == [6, 6])
    }

    @Test func constantTensorUsesScaleOne() throws {
        let quantized = try MinMax4BitQuantized(quantizing: Tensor(shape: [3], repeating: 0.75))
        #expect(quantized.scale == 1)
        #expect(quantized.codes == [0, 0, 0])
        #expect(quantized.dequantized().scalars == [0.75, 0.75, 0.75])
    }

    @Test func storesOneBytePerCodeAndTwoFloats() throws {
        let quantized = try MinMax4BitQuantized(quantizing: Self.tensor)
        #expect(quantized.storedBytes == 36 + 8)
        #expect(quantized.bitsPerParameter == Double(44 * 8) / 36)
    }

    @Test func rejectsBadInput() {
        #expect(throws: InputError.self) { try MinMax4BitQuantized(quantizing: Tensor(shape: [0], scalars: [])) }
        #expect(throws: InputError.self) { try MinMax4BitQuantized(quantizing: Tensor(shape: [2], scalars: [1, .nan])) }
        #expect(throws: InputError.self) {
            try MinMax4BitQuantized(quantizing: Tensor(shape: [2], scalars: [-3e38, 3e38]))
        }
    }
}
