import Testing
@testable import QLoRAEngine

@Suite struct DoubleQuantizedAbsmaxTests {
    /// Brute force: the index of the nearest map value, the lower one on a tie.
    static func nearestCode(_ scaled: Float) -> Int {
        let map = DoubleQuantizedAbsmax.dynamicMap
        var best = 0
        for index in map.indices where abs(scaled - map[index]) < abs(scaled - map[best]) { best = index }
        return best
    }

    @Test(arguments: [1, 7, 256, 257, 1000])
    func codesAreBitsandbytesLookups(count: Int) {
        var generator = SeededGenerator(seed: UInt64(count))
        let absmax = (0..<count).map { _ in abs(generator.nextNormal()) * 0.05 + 0.001 }
        let quantized = DoubleQuantizedAbsmax(quantizing: absmax)
        let offset = PyTorchFloat32.mean(absmax)
        #expect(quantized.offset == offset)
        let expected = DynamicMap.quantizeBlockwise(absmax.map { $0 - offset }, blocksize: 256)
        #expect(quantized.codes == expected.codes)
        #expect(quantized.nestedAbsmax.map(\.bitPattern) == expected.absmax.map(\.bitPattern))
        // A lookup lands within half a slot (1/65535) of the scaled value's nearest level, so the
        // reconstruction is within half the widest gap of the map plus that, scaled.
        let map = DoubleQuantizedAbsmax.dynamicMap
        let widestGap = zip(map.dropFirst(), map).map { $0 - $1 }.max() ?? 0
        let reconstructed = quantized.reconstructed()
        for index in absmax.indices {
            let nested = quantized.nestedAbsmax[index / 256]
            #expect(abs(reconstructed[index] - absmax[index]) <= nested * (widestGap / 2 + 1 / 65535) * 1.001 + 1e-7)
        }
    }

    /// Each slot of the lookup table holds the nearest level to the slot's own value. A value
    /// between slots takes its slot's code, and next to 0, where the map's levels are closer than a
    /// slot is wide (2/65535), that is a few codes from its nearest level: as bitsandbytes quantizes.
    @Test func lookupTableHoldsEachSlotsNearestLevel() {
        let slots = DynamicMap.lookupTable.count
        #expect(slots == 65536)
        for slot in 0..<slots {
            let value = -1 + (2 * Float(slot)) / Float(slots - 1)
            #expect(DynamicMap.slot(of: value) == slot)
            #expect(Int(DynamicMap.lookupTable[slot]) == Self.nearestCode(value))
        }
        let scaled: Float = 1.4e-6
        #expect(DynamicMap.slot(of: scaled) == 32768)
        #expect(Self.nearestCode(scaled) == 128 && DynamicMap.lookupTable[32768] == 131)
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
    let onePass = DynamicMap.quantizeBlockwise(centred, blocksize: 256)
    #expect(quantized.codes == onePass.codes)
    #expect(quantized.nestedAbsmax == onePass.absmax)
    #expect(quantized.offset == offset)
}
