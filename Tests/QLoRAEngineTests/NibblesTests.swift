import Testing
@testable import QLoRAEngine

@Suite struct NibblesTests {
    @Test func blockCountsRoundUpWithoutOverflow() {
        #expect(0.dividedRoundingUp(by: 64) == 0)
        #expect(64.dividedRoundingUp(by: 64) == 1)
        #expect(65.dividedRoundingUp(by: 64) == 2)
        #expect(7.dividedRoundingUp(by: 2) == 4)
        // (Int.max + 1) / 2 would overflow; a size read from a file can be this large.
        #expect(Int.max.dividedRoundingUp(by: 2) == Int.max / 2 + 1)
    }

    @Test func highNibbleFirst() {
        #expect(Nibbles.pack([1, 2, 15, 0]) == [0x12, 0xF0])
    }

    @Test func oddCountIsPadded() {
        #expect(Nibbles.pack([3], padding: 7) == [0x37])
        #expect(Nibbles.pack([], padding: 7) == [])
    }

    @Test(arguments: [0, 1, 2, 5, 64, 101])
    func unpackInvertsPack(count: Int) {
        var generator = SeededGenerator(seed: UInt64(count))
        let codes = (0..<count).map { _ in UInt8(generator.nextIndex(below: 16)) }
        let packed = Nibbles.pack(codes)
        #expect(packed.count == (count + 1) / 2)
        #expect(Nibbles.unpack(packed, count: count) == codes)
    }
}
