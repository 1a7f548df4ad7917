import Testing
@testable import QLoRAEngine

@Suite struct NibblesTests {
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
