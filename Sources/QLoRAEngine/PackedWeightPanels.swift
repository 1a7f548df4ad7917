import CQLoRAKernels

/// A frozen weight read by the matrix kernel straight from its packed codes: the fused
/// dequantize-and-multiply path of a QLoRA layer.
///
/// The stored weight W is `out` x `in`, row-major. As B it is read either as W (for dL/dx = g W)
/// or as Wᵀ (for y = x Wᵀ); element e of the flattened weight decodes to
/// `level(e) * scale[e / blocksize]`: a 4-bit code looked up in the codebook, or an integer code.
/// The values are bit for bit those `dequantized()` returns.
struct PackedWeightPanels: PanelSource {
    /// How one value is stored.
    enum Codes {
        /// Two 4-bit codes per byte, element 2k in the high nibble, and the 16-entry codebook.
        case fourBit(packed: UnsafePointer<UInt8>, codebook: UnsafePointer<Float>)
        /// One signed integer code per value.
        case integer(UnsafePointer<Int8>)
    }

    let codes: Codes
    /// One scale per block: absmax for 4-bit, absmax / largest code for integers.
    let scales: UnsafePointer<Float>
    /// Values per scale.
    let blocksize: Int
    /// Columns of the stored weight: the stride between its rows.
    let storedColumns: Int
    let transposed: Bool
    let rows: Int
    let columns: Int
    /// The vector instructions the 4-bit decoder uses; every level writes the same values.
    let vectorLevel: qlora_vector_level

    /// Reads a stored `out` x `in` weight as W, or as Wᵀ when `transposed`.
    init(
        codes: Codes, scales: UnsafePointer<Float>, blocksize: Int, out: Int, in inFeatures: Int, transposed: Bool,
        vectorLevel: qlora_vector_level = MatrixMultiply.detectedVectorLevel
    ) {
        self.codes = codes
        self.scales = scales
        self.blocksize = blocksize
        storedColumns = inFeatures
        self.transposed = transposed
        rows = transposed ? inFeatures : out
        columns = transposed ? out : inFeatures
        self.vectorLevel = vectorLevel
    }

    func pack(rows: Range<Int>, columns: Range<Int>, into panel: UnsafeMutablePointer<Float>) {
        switch codes {
        case .fourBit(let packed, let codebook):
            let weight = qlora_four_bit_weight(
                packed: packed, codebook: codebook, absmax: scales, blocksize: blocksize, columns: storedColumns)
            qlora_decode_four_bit_panel(
                vectorLevel, weight, transposed, rows.lowerBound, rows.count, columns.lowerBound, columns.count, panel)
        case .integer(let codes):
            let storedColumns = self.storedColumns, transposed = self.transposed
            packElements(rows: rows, columns: columns, into: panel) { p, j in
                let element = transposed ? j * storedColumns + p : p * storedColumns + j
                return Float(codes[element]) * scales[element / blocksize]
            }
        }
    }
}
