import CQLoRAKernels

/// A frozen weight read by the matrix kernel straight from its packed codes: the fused
/// dequantize-and-multiply path of a QLoRA layer.
///
/// The stored weight W is `out` x `in`, row-major. As B it is read either as W (for dL/dx = g W)
/// or as Wᵀ (for y = x Wᵀ); element e of the flattened weight decodes to
/// `level(e) * scale[e / blocksize]`: a 4-bit code looked up in the codebook, or an integer code.
/// The values are bit for bit those `dequantized()` returns.
struct PackedWeightPanels: PanelSource {
    /// The codes, their scales and layout, as the C decoder reads them.
    let weight: qlora_packed_weight
    let transposed: Bool
    let rows: Int
    let columns: Int

    /// Reads a stored `out` x `in` weight as W, or as Wᵀ when `transposed`.
    ///
    /// - Parameters:
    ///   - codes: two 4-bit codes per byte, element 2k in the high nibble, when `codebook` holds
    ///     their 16 levels; one signed 8-bit code per value when `codebook` is nil.
    ///   - scales: one per block: absmax for 4-bit codes, absmax / largest code for integers.
    init(
        codes: UnsafePointer<UInt8>, codebook: UnsafePointer<Float>?, scales: UnsafePointer<Float>, blocksize: Int,
        out: Int, in inFeatures: Int, transposed: Bool
    ) {
        weight = qlora_packed_weight(
            codes: codes, codebook: codebook, scales: scales, blocksize: blocksize, columns: inFeatures)
        self.transposed = transposed
        rows = transposed ? inFeatures : out
        columns = transposed ? out : inFeatures
    }

    func pack(rows: Range<Int>, columns: Range<Int>, into panel: UnsafeMutablePointer<Float>, vectorLevel: qlora_vector_level) {
        qlora_decode_packed_panel(
            vectorLevel, weight, transposed, rows.lowerBound, rows.count, columns.lowerBound, columns.count, panel)
    }
}
