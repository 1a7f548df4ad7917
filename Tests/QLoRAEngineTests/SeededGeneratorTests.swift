import Testing
@testable import QLoRAEngine

@Suite struct SeededGeneratorTests {
    @Test func sameSeedGivesSameSequence() {
        var first = SeededGenerator(seed: 42)
        var second = SeededGenerator(seed: 42)
        for _ in 0..<100 { #expect(first.next() == second.next()) }
    }

    @Test func differentSeedsDiffer() {
        var first = SeededGenerator(seed: 1)
        var second = SeededGenerator(seed: 2)
        #expect(first.next() != second.next())
    }

    /// Pins the first draws so a change to the generator, which would change every lesson's numbers, is seen.
    @Test func firstDrawsArePinned() {
        var generator = SeededGenerator(seed: 0)
        let draws = (0..<3).map { _ in generator.next() }
        #expect(draws == SeededGeneratorTests.pinnedDrawsForSeedZero)
    }

    /// xoshiro256** seeded by SplitMix64(0), computed independently of this code.
    static let pinnedDrawsForSeedZero: [UInt64] = [0x99EC_5F36_CB75_F2B4, 0xBF6E_1F78_4956_452A, 0x1A5F_849D_4933_E6E0]

    @Test func normalHasUnitMoments() {
        var generator = SeededGenerator(seed: 7)
        let values = (0..<20_000).map { _ in Double(generator.nextNormal()) }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
        #expect(abs(mean) < 0.03)
        #expect(abs(variance - 1) < 0.05)
    }

    @Test func uniformStaysInRange() {
        var generator = SeededGenerator(seed: 3)
        for _ in 0..<10_000 {
            let value = generator.nextUniform(in: -2...3)
            #expect(value >= -2 && value < 3)
        }
    }
}
