/// The SIMD form of `CodebookSearch` for 16 levels: 16 values at a time against the 15 boundaries.
///
/// Instead of a search, each value's code is the code at the lowest position plus, for every
/// boundary the value lies above, the step from one position's code to the next. For NF4 every step
/// is 1, so this counts the boundaries below the value; for FP4 the steps walk its permutation.
struct FourBitKernel {
    typealias Lanes = SIMD16<Float>
    private let midpoints: [Lanes]
    private let steps: [SIMD16<Int32>]
    private let lowestCode: SIMD16<Int32>
    /// True when codes are in value order (NF4), so the code is just a count of boundaries below.
    private let stepsAreAllOne: Bool

    init(_ search: CodebookSearch) {
        precondition(search.codeAtPosition.count == 16, "a 4-bit codebook has 16 levels")
        midpoints = search.midpoints.map { Lanes(repeating: $0) }
        let codes = search.codeAtPosition.map { Int32($0) }
        steps = zip(codes.dropFirst(), codes).map { SIMD16(repeating: $0 - $1) }
        lowestCode = SIMD16(repeating: codes[0])
        stepsAreAllOne = zip(codes.dropFirst(), codes).allSatisfy { $0 - $1 == 1 }
    }

    /// Quantizes one full block of `count` values (a multiple of 32), writes `count / 2` packed
    /// bytes, and returns the block's absmax, or NaN when the block holds a NaN or an infinity.
    ///
    /// Written with `replacing(with:where:)` and bit casts of comparison masks: those compile to
    /// vector instructions, where `pointwiseMax` and a `Bool`-per-lane count do not.
    @inline(__always)
    func quantizeFullBlock(_ values: UnsafePointer<Float>, count: Int, packed: UnsafeMutablePointer<UInt8>) -> Float {
        let raw = UnsafeRawPointer(values)
        let lanes = Lanes.scalarCount
        var largest = Lanes()
        // x - x is 0 for a finite x and NaN for an infinity or a NaN: one add per vector checks
        // the input on the way through, instead of a separate pass over it.
        var nonFinite = Lanes()
        for chunk in 0..<(count / lanes) {
            let x = raw.loadUnaligned(fromByteOffset: chunk * lanes * 4, as: Lanes.self)
            let magnitude = x.replacing(with: -x, where: x .< 0)
            largest.replace(with: magnitude, where: magnitude .> largest)
            nonFinite += x - x
        }
        guard nonFinite.sum() == 0 else { return .nan }
        let absmax = Self.largestLane(largest)
        let reciprocal = 1 / max(absmax, CodebookSearch.smallestDivisor)
        midpoints.withUnsafeBufferPointer { midpoints in
            steps.withUnsafeBufferPointer { steps in
                for chunk in 0..<(count / lanes) {
                    // No clamp to [-1, 1] here: every boundary lies inside (-1, 1), so a value beyond
                    // ±1 is above (or below) all of them either way and gets the same code.
                    let scaled = raw.loadUnaligned(fromByteOffset: chunk * lanes * 4, as: Lanes.self) * reciprocal
                    var codes = lowestCode
                    // A lane of a comparison mask is all ones (-1) where the value lies above.
                    if stepsAreAllOne {
                        for boundary in 0..<15 {
                            codes &-= unsafeBitCast(scaled .> midpoints[boundary], to: SIMD16<Int32>.self)
                        }
                    } else {
                        for boundary in 0..<15 {
                            codes &+= unsafeBitCast(scaled .> midpoints[boundary], to: SIMD16<Int32>.self) & steps[boundary]
                        }
                    }
                    // Read as 64-bit lanes, each holds an even element's code in its low half and the
                    // next element's in its high half (little-endian): the byte is low << 4 | high.
                    let pairs = unsafeBitCast(codes, to: SIMD8<UInt64>.self)
                    let bytes = SIMD8<UInt8>(truncatingIfNeeded: (pairs & 0x0F) &<< 4 | pairs &>> 32)
                    UnsafeMutableRawPointer(packed).storeBytes(of: bytes, toByteOffset: chunk * 8, as: SIMD8<UInt8>.self)
                }
            }
        }
        return absmax
    }

    /// The largest of 16 lanes, halving with vector compares.
    @inline(__always)
    private static func largestLane(_ lanes: Lanes) -> Float {
        var eight = lanes.lowHalf
        eight.replace(with: lanes.highHalf, where: lanes.highHalf .> eight)
        var four = eight.lowHalf
        four.replace(with: eight.highHalf, where: eight.highHalf .> four)
        return max(max(four[0], four[1]), max(four[2], four[3]))
    }
}

extension FourBitKernel: Sendable {}

