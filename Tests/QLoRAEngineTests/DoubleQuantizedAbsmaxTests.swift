import Testing
@testable import QLoRAEngine

@Suite struct DoubleQuantizedAbsmaxTests {
    /// Brute force: the index of the nearest map value, the lower one on a tie.
    static func nearestCode(_ scaled: Float) -> UInt8 {
        let map = DoubleQuantizedAbsmax.dynamicMap
        var best = 0
        for index in map.indices where abs(scaled - map[index]) < abs(scaled - map[best]) { best = index }
        return UInt8(best)
    }

    @Test(arguments: [1, 7, 256, 257, 1000])
    func codesAreTheExactNearest(count: Int) {
        var generator = SeededGenerator(seed: UInt64(count))
        let absmax = (0..<count).map { _ in abs(generator.nextNormal()) * 0.05 + 0.001 }
        let quantized = DoubleQuantizedAbsmax(quantizing: absmax)
        #expect(quantized.nestedAbsmax.count == (count + 255) / 256)
        #expect(quantized.offset == PyTorchFloat32.mean(absmax))
        let map = DoubleQuantizedAbsmax.dynamicMap
        let widestGap = zip(map.dropFirst(), map).map { $0 - $1 }.max() ?? 0
        let reconstructed = quantized.reconstructed()
        for index in absmax.indices {
            let nested = quantized.nestedAbsmax[index / 256]
            let centred = absmax[index] - quantized.offset
            let full = index / 256 < count / 256
            let scaled = full ? centred * (1 / nested) : centred / nested
            let code = quantized.codes[index]
            // Nearest, up to float32 rounding of the midpoints.
            let chosen = abs(scaled - map[Int(code)])
            #expect(chosen <= abs(scaled - map[Int(Self.nearestCode(scaled))]) + 1e-7)
            // So the reconstruction is within half the widest gap of the map, scaled.
            #expect(abs(reconstructed[index] - absmax[index]) <= nested * widestGap / 2 * 1.001 + 1e-7)
        }
    }

    @Test func assemblingFromPartsChecksSizes() throws {
        #expect(throws: InputError.self) { try DoubleQuantizedAbsmax(codes: [1, 2], nestedAbsmax: [], offset: 0) }
        #expect(throws: InputError.self) { try DoubleQuantizedAbsmax(codes: [1], nestedAbsmax: [1], offset: 0, nestedBlocksize: 0) }
        let parts = try DoubleQuantizedAbsmax(codes: [255, 0], nestedAbsmax: [2], offset: 0.5)
        #expect(parts.reconstructed() == [2.5, DoubleQuantizedAbsmax.dynamicMap[0] * 2 + 0.5])
    }
}

/// Enough absmax values (over 2^15, a 2.6M-parameter weight's worth) for the nested blocks to be
/// split across cores: the codes must equal those of one pass over all of them.
@Test func doubleQuantizationSplitAcrossCoresMatchesOnePass() {
    var generator = SeededGenerator(seed: 11)
    let absmax = (0..<40_000).map { _ in abs(generator.nextNormal()) * 0.03 + 0.001 }
    let quantized = DoubleQuantizedAbsmax(quantizing: absmax)
    let offset = PyTorchFloat32.mean(absmax)
    let centred = absmax.map { $0 - offset }
    var codes = [UInt8](repeating: 0, count: absmax.count)
    var nestedAbsmax = [Float](repeating: 0, count: (absmax.count + 255) / 256)
    centred.withUnsafeBufferPointer { centred in
        codes.withUnsafeMutableBufferPointer { codes in
            nestedAbsmax.withUnsafeMutableBufferPointer { nestedAbsmax in
                CodebookSearch(codebook: DoubleQuantizedAbsmax.dynamicMap)
                    .quantizeBlockwise(centred, blocksize: 256, codes: codes, absmax: nestedAbsmax)
            }
        }
    }
    #expect(quantized.codes == codes)
    #expect(quantized.nestedAbsmax == nestedAbsmax)
    #expect(quantized.offset == offset)
}
