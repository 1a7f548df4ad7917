import Testing
@testable import QLoRAEngine

@Suite struct FourBitQuantizedTests {
    /// A tensor of `count` values from one of a few distributions, all from `seed`.
    static func randomTensor(count: Int, seed: UInt64) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        let scale = [0.02, 1, 300][generator.nextIndex(below: 3)] as Float
        let heavyTailed = generator.nextIndex(below: 2) == 0
        let values = (0..<count).map { _ -> Float in
            let normal = generator.nextNormal() * scale
            // Every 50th value an outlier, when heavy-tailed, as in real weight matrices.
            return heavyTailed && generator.nextIndex(below: 50) == 0 ? normal * 20 : normal
        }
        return Tensor(shape: [count], scalars: values)
    }

    /// The same tensor quantized with the plain scalar rule, to hold the vector kernel against.
    static func scalarReference(_ tensor: Tensor, type: FourBitType, blocksize: Int) -> (packed: [UInt8], absmax: [Float]) {
        let search = CodebookSearch(codebook: type.codebook)
        var codes = [UInt8](repeating: 0, count: tensor.count)
        var absmax = [Float](repeating: 0, count: (tensor.count + blocksize - 1) / blocksize)
        tensor.scalars.withUnsafeBufferPointer { values in
            codes.withUnsafeMutableBufferPointer { codes in
                absmax.withUnsafeMutableBufferPointer { absmax in
                    search.quantizeBlockwise(values, blocksize: blocksize, codes: codes, absmax: absmax)
                }
            }
        }
        return (Nibbles.pack(codes, padding: search.code(of: 0)), absmax)
    }

    @Test(arguments: FourBitType.allCases, 0..<12)
    func errorIsAtMostHalfTheLargestGap(type: FourBitType, seed: Int) throws {
        var generator = SeededGenerator(seed: UInt64(seed))
        let blocksize = FourBitQuantized.supportedBlocksizes[generator.nextIndex(below: 8)]
        let count = 1 + generator.nextIndex(below: 3000)
        let tensor = Self.randomTensor(count: count, seed: UInt64(seed) + 1000)
        let quantized = try FourBitQuantized(quantizing: tensor, type: type, blocksize: blocksize)
        let sorted = type.codebook.sorted()
        let largestGap = zip(sorted.dropFirst(), sorted).map { $0 - $1 }.max() ?? 0
        let values = quantized.dequantized().scalars
        #expect(values.count == count)
        #expect(quantized.absmax.count == (count + blocksize - 1) / blocksize)
        for index in values.indices {
            let absmax = quantized.absmax[index / blocksize]
            let bound = largestGap / 2 * absmax * 1.0001 + absmax * 1e-6
            #expect(abs(values[index] - tensor.scalars[index]) <= bound)
        }
    }

    /// Each code is a nearest level: no other level is closer to the scaled value.
    @Test(arguments: FourBitType.allCases)
    func codesAreNearestLevels(type: FourBitType) throws {
        let tensor = Self.randomTensor(count: 777, seed: 5)
        let quantized = try FourBitQuantized(quantizing: tensor, type: type, blocksize: 32)
        let codebook = type.codebook
        for (index, code) in quantized.codes().enumerated() {
            let absmax = quantized.absmax[index / 32]
            let scaled = min(max(tensor.scalars[index] / absmax, -1), 1)
            let chosen = abs(scaled - codebook[Int(code)])
            let best = codebook.map { abs(scaled - $0) }.min() ?? 0
            #expect(chosen <= best + 1e-6)
        }
    }

    @Test(arguments: FourBitType.allCases, [32, 64, 256, 4096])
    func vectorKernelEqualsScalarRule(type: FourBitType, blocksize: Int) throws {
        for count in [1, 2, 31, 33, 64, 65, 1000, 4097, 9999] {
            let tensor = Self.randomTensor(count: count, seed: UInt64(count))
            let quantized = try FourBitQuantized(quantizing: tensor, type: type, blocksize: blocksize)
            let reference = Self.scalarReference(tensor, type: type, blocksize: blocksize)
            #expect(quantized.packed == reference.packed, "count \(count)")
            #expect(quantized.absmax.map(\.bitPattern) == reference.absmax.map(\.bitPattern), "count \(count)")
        }
    }

    /// Big enough to be split across threads: the result must not depend on the split.
    @Test func threadedQuantizationEqualsScalarRule() throws {
        let count = 1 << 19 + 77
        let tensor = Self.randomTensor(count: count, seed: 99)
        let quantized = try FourBitQuantized(quantizing: tensor, type: .nf4, blocksize: 64)
        let reference = Self.scalarReference(tensor, type: .nf4, blocksize: 64)
        #expect(quantized.packed == reference.packed)
        #expect(quantized.absmax == reference.absmax)
        var output = [Float](repeating: .nan, count: count)
        output.withUnsafeMutableBufferPointer { quantized.dequantize(into: $0) }
        let codes = quantized.codes()
        let expected = codes.indices.map { NF4.codebook[Int(codes[$0])] * quantized.absmax[$0 / 64] }
        #expect(output == expected)
    }

    @Test func tiesGoToTheLowerLevel() throws {
        // absmax 1 keeps x * (1 / absmax) = x, so a value placed on a midpoint stays on it.
        let sorted = NF4.codebook
        let midpoints = zip(sorted, sorted.dropFirst()).map { ($0 + $1) / 2 }
        let tensor = Tensor(shape: [16], scalars: [1] + midpoints)
        let codes = try FourBitQuantized(quantizing: tensor, type: .nf4, blocksize: 32).codes()
        let expected: [UInt8] = [15] + (0..<15).map { UInt8($0) }
        #expect(codes == expected)
    }

    @Test func fp4SmallPositiveValuesTakeCodeEight() throws {
        // Sorted, FP4's levels put code 0 (+0) before code 8 (also 0), so exactly 0 gets code 0 and
        // a value just above the zero-zero boundary gets code 8, as bitsandbytes does.
        let tensor = Tensor(shape: [4], scalars: [1, 0, 0.001, -0.001])
        let codes = try FourBitQuantized(quantizing: tensor, type: .fp4, blocksize: 32).codes()
        #expect(codes == [3, 0, 8, 0])
    }

    @Test func zeroBlocksOddCountsAndPadding() throws {
        let values: [Float] = Array(repeating: 0, count: 64) + [0.5, -1, 0.25]
        let nf4 = try FourBitQuantized(quantizing: Tensor(shape: [67], scalars: values), type: .nf4, blocksize: 64)
        #expect(nf4.absmax == [0, 1])
        #expect(nf4.packed.count == 34)
        #expect(nf4.packed.prefix(32).allSatisfy { $0 == 0x77 })
        #expect(nf4.packed.last == 0xA7)  // 0.25 is nearest 0.2461 (code 10); the pad is code 7
        #expect(nf4.dequantized().scalars.prefix(64).allSatisfy { $0 == 0 })
        let fp4 = try FourBitQuantized(quantizing: Tensor(shape: [67], scalars: values), type: .fp4, blocksize: 64)
        #expect(fp4.packed.prefix(32).allSatisfy { $0 == 0x00 })
        #expect(fp4.packed.last == 0x70)  // 0.25 is code 7; the pad is code 0
    }

    /// bitsandbytes' quirk for a short last block that is all zeros: its absmax is stored clamped.
    @Test func allZeroPartialBlockStoresTheClampedAbsmax() throws {
        let tensor = Tensor(shape: [70], scalars: [1] + Array(repeating: 0, count: 69))
        let quantized = try FourBitQuantized(quantizing: tensor, type: .nf4, blocksize: 64)
        #expect(quantized.absmax == [1, 1e-38])
        #expect(quantized.dequantized().scalars.dropFirst().allSatisfy { $0 == 0 })
    }

    @Test func dequantizeIntoEqualsDequantized() throws {
        let tensor = Self.randomTensor(count: 1001, seed: 3)
        for doubleQuantization in [false, true] {
            let quantized = try FourBitQuantized(quantizing: tensor, type: .fp4, blocksize: 128, doubleQuantization: doubleQuantization)
            var output = [Float](repeating: .nan, count: 1001)
            output.withUnsafeMutableBufferPointer { quantized.dequantize(into: $0) }
            #expect(output == quantized.dequantized().scalars)
        }
    }

    @Test func shapeIsKept() throws {
        var generator = SeededGenerator(seed: 1)
        let tensor = Tensor.normal(rows: 3, columns: 50, using: &generator)
        let quantized = try FourBitQuantized(quantizing: tensor, type: .nf4)
        #expect(quantized.shape == [3, 50])
        #expect(quantized.dequantized().shape == [3, 50])
        #expect(quantized.count == 150)
    }

    @Test func bitsPerParameterMatchThePaper() throws {
        var generator = SeededGenerator(seed: 2)
        let tensor = Tensor.normal(rows: 256, columns: 256, standardDeviation: 0.02, using: &generator)
        let plain = try FourBitQuantized(quantizing: tensor, type: .nf4, blocksize: 64)
        #expect(plain.bitsPerParameter == 4.5)
        #expect(plain.storedBytes == 65536 / 2 + 1024 * 4 + 16 * 4)
        let double = try FourBitQuantized(quantizing: tensor, type: .nf4, blocksize: 64, doubleQuantization: true)
        #expect(abs(double.bitsPerParameter - 4.127) < 0.001)
        #expect(double.storedBuffers.map(\.name) == ["weight", "absmax", "nested_absmax", "offset", "nested_quant_map", "quant_map"])
        #expect(double.storedBytes == 32768 + 1024 + 4 * 4 + 4 + 256 * 4 + 16 * 4)
    }

    @Test func rejectsBadInput() {
        let tensor = Tensor(shape: [4], scalars: [1, 2, 3, 4])
        #expect(throws: InputError.self) { try FourBitQuantized(quantizing: tensor, type: .nf4, blocksize: 48) }
        #expect(throws: InputError.self) { try FourBitQuantized(quantizing: tensor, type: .nf4, blocksize: 8192) }
        #expect(throws: InputError.self) {
            try FourBitQuantized(quantizing: Tensor(shape: [0, 3], scalars: []), type: .fp4)
        }
        var values = Self.randomTensor(count: 200, seed: 4).scalars
        for position in [5, 70, 199] {  // a full block, another full block, the short last block
            for bad in [Float.nan, .infinity, -.infinity] {
                var poisoned = values
                poisoned[position] = bad
                #expect(throws: InputError.self) {
                    try FourBitQuantized(quantizing: Tensor(shape: [200], scalars: poisoned), type: .nf4, blocksize: 64)
                }
            }
        }
        values[0] = .greatestFiniteMagnitude
        #expect((try? FourBitQuantized(quantizing: Tensor(shape: [200], scalars: values), type: .nf4)) != nil)
    }

    @Test func assemblingFromPartsChecksSizes() throws {
        #expect(throws: InputError.self) {
            try FourBitQuantized(type: .nf4, blocksize: 64, shape: [10], packed: [0, 0], scales: .plain(absmax: [1]))
        }
        #expect(throws: InputError.self) {
            try FourBitQuantized(type: .nf4, blocksize: 64, shape: [10], packed: [UInt8](repeating: 0, count: 5), scales: .plain(absmax: [1, 2]))
        }
        #expect(throws: InputError.self) {
            try FourBitQuantized(type: .nf4, blocksize: 64, shape: [Int.max, 4], packed: [], scales: .plain(absmax: []))
        }
        #expect(throws: InputError.self) {
            try FourBitQuantized(type: .nf4, blocksize: 64, shape: [-2, -3], packed: [0, 0, 0], scales: .plain(absmax: [1]))
        }
        #expect(throws: InputError.self) {
            try FourBitQuantized(type: .nf4, blocksize: 64, shape: [0, 4], packed: [], scales: .plain(absmax: []))
        }
        let assembled = try FourBitQuantized(type: .nf4, blocksize: 64, shape: [3], packed: [0xF0, 0x70], scales: .plain(absmax: [2]))
        #expect(assembled.dequantized().scalars == [2, -2, 0])
    }
}
