/// What finding the code of the codebook level nearest to a value takes, with bitsandbytes' tie rule.
///
/// The levels are sorted and the midpoint of each neighbouring pair is a decision boundary. A value's
/// sorted position is the number of boundaries strictly below it (`torch.bucketize`), so a value
/// exactly on a boundary goes to the lower level. The position maps back to the code: the identity
/// for NF4 and the dynamic map, a permutation for FP4, whose codes are not in value order.
/// The kernels in CQLoRAKernels (`FourBitCodes`, `ByteCodes`) search with these.
struct CodebookSearch {
    /// The decision boundaries, ascending: `(sorted[i] + sorted[i + 1]) / 2` in float32.
    let midpoints: [Float]
    /// The code of the level at each sorted position.
    let codeAtPosition: [UInt8]

    /// Prepares the search for a codebook of at most 256 levels, listed in code order.
    init(codebook: [Float]) {
        precondition((1...256).contains(codebook.count), "a codebook holds 1 to 256 levels")
        // Sorting by (value, code) keeps equal levels in code order, as `torch.argsort` does for
        // FP4's two zeros: codes 0 and 8 are both 0.0, and a value of exactly 0 must get code 0.
        let order = codebook.indices.sorted { (codebook[$0], $0) < (codebook[$1], $1) }
        midpoints = zip(order.dropLast(), order.dropFirst()).map { (codebook[$0] + codebook[$1]) / 2 }
        codeAtPosition = order.map { UInt8($0) }
    }
}

extension CodebookSearch: Sendable {}
