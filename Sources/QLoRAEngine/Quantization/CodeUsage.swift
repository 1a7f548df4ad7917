import Foundation

/// How often each code of a quantized tensor is used, and how evenly: the entropy of the usage.
///
/// The entropy, in bits, is 4 when all sixteen 4-bit codes are used equally often and less when a
/// few codes do most of the work. It measures how evenly the codes are spent, not how well they fit
/// the weights: a type can spend its codes evenly on data it rounds badly.
public struct CodeUsage: Equatable {
    /// How many values got each code.
    public private(set) var counts: [Int: Int]

    /// A usage from counts by code.
    public init(counts: [Int: Int] = [:]) {
        self.counts = counts
    }

    /// Counts every code in `codes`.
    public init(codes: some Sequence<Int>) {
        self.init()
        add(codes)
    }

    /// The usage of a quantized base's codes (its 4-bit codes, or its signed integer codes); nil
    /// for a float32 base, which has none.
    public init?(_ base: FrozenBase) {
        switch base {
        case .float32: return nil
        case .fourBit(let packed): self.init(codes: packed.codes().lazy.map(Int.init))
        case .integer(let packed): self.init(codes: packed.codes.lazy.map(Int.init))
        }
    }

    /// Adds one use of each code in `codes`.
    public mutating func add(_ codes: some Sequence<Int>) {
        for code in codes { counts[code, default: 0] += 1 }
    }

    /// This usage with every count of `other` added.
    public func adding(_ other: CodeUsage) -> CodeUsage {
        CodeUsage(counts: counts.merging(other.counts, uniquingKeysWith: +))
    }

    /// The entropy of the usage in bits: -Σ p log2 p over the codes used.
    ///
    /// Summed in code order: a dictionary's order differs from one instance to the next, and a
    /// floating-point sum taken in another order can differ in the last bit.
    public var entropyBits: Double {
        let total = Double(max(counts.values.reduce(0, +), 1))
        return counts.sorted { $0.key < $1.key }.reduce(0.0) { sum, entry in
            guard entry.value > 0 else { return sum }
            let share = Double(entry.value) / total
            return sum - share * log2(share)
        }
    }
}

extension CodeUsage: Sendable {}
