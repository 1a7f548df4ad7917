import Testing
@testable import QLoRAEngine

@Suite struct AbsmaxIntegerQuantizedTests {
    @Test func int8PerTensorRoundsHalfToEven() throws {
        // absmax 127 makes the scale exactly 1, so x / scale is x and the halves are real ties.
        let tensor = Tensor(shape: [6], scalars: [127, 2.5, 3.5, -2.5, -0.5, 126.4])
        let quantized = try AbsmaxIntegerQuantized(quantizing: tensor, bits: 8)
        #expect(quantized.scales == [1])
        #expect(quantized.codes == [127, 2, 4, -2, 0, 126])
        #expect(quantized.dequantized().scalars == [127, 2, 4, -2, 0, 126])
    }

    @Test func int4PerBlockUsesSevenLevelsEachSide() throws {
        let tensor = Tensor(shape: [2, 4], scalars: [7, 1.5, -2.5, 0.4, -0.7, 0.35, 0, 0.05])
        let quantized = try AbsmaxIntegerQuantized(quantizing: tensor, bits: 4, blocksize: 4)
        #expect(quantized.scales == [1, Float(0.7) / 7])
        #expect(Array(quantized.codes.prefix(4)) == [7, 2, -2, 0])
        #expect(quantized.codes[4] == -7)
        #expect(quantized.codes.allSatisfy { (-7...7).contains($0) })
        #expect(quantized.storedBuffers[0] == StoredBuffer(name: "codes", dtype: "int4", count: 8, bytes: 4))
        #expect(quantized.packedCodes?.first == 0x72)  // 7 high, 2 low
        #expect(quantized.packedCodes?[1] == 0xE0)  // -2 is 0xE in two's complement
    }

    @Test func zeroBlockStaysZero() throws {
        let tensor = Tensor(shape: [4], scalars: [0, 0, 1, -1])
        let quantized = try AbsmaxIntegerQuantized(quantizing: tensor, bits: 8, blocksize: 2)
        #expect(quantized.scales[0] == 0)
        #expect(quantized.dequantized().scalars == [0, 0, 1, -1])
    }

    @Test(arguments: [8, 4], [nil, 1, 3, 64] as [Int?])
    func errorIsAtMostHalfAStep(bits: Int, blocksize: Int?) throws {
        var generator = SeededGenerator(seed: UInt64(bits * 100 + (blocksize ?? 0)))
        let tensor = Tensor.normal(rows: 7, columns: 19, using: &generator)
        let quantized = try AbsmaxIntegerQuantized(quantizing: tensor, bits: bits, blocksize: blocksize)
        let span = blocksize ?? tensor.count
        let values = quantized.dequantized().scalars
        for index in values.indices {
            let scale = quantized.scales[index / span]
            #expect(abs(values[index] - tensor.scalars[index]) <= scale / 2 * 1.0001)
        }
        #expect(quantized.scales.count == (tensor.count + span - 1) / span)
    }

    @Test func bytesMatchTheStorage() throws {
        let tensor = Tensor(shape: [1000], repeating: 0.5)
        let int8 = try AbsmaxIntegerQuantized(quantizing: tensor, bits: 8, blocksize: 100)
        #expect(int8.storedBytes == 1000 + 10 * 4)
        let int4 = try AbsmaxIntegerQuantized(quantizing: tensor, bits: 4)
        #expect(int4.storedBytes == 500 + 4)
        #expect(int4.bitsPerParameter == Double(504 * 8) / 1000)
    }

    @Test func rejectsBadInput() {
        let tensor = Tensor(shape: [2], scalars: [1, 2])
        #expect(throws: InputError("bits", "expected 8 or 4, got 3")) {
            try AbsmaxIntegerQuantized(quantizing: tensor, bits: 3)
        }
        #expect(throws: InputError.self) { try AbsmaxIntegerQuantized(quantizing: tensor, bits: 8, blocksize: 0) }
        #expect(throws: InputError.self) {
            try AbsmaxIntegerQuantized(quantizing: Tensor(shape: [1], scalars: [.infinity]), bits: 8)
        }
    }
}
