import CQLoRAKernels

/// A matrix `MatrixMultiply` can read its right operand B from, one panel at a time.
///
/// The kernel never reads B directly: it asks for a block of `depth` rows by up to `panelWidth`
/// columns, copied into a small contiguous buffer. A float matrix copies its values; a packed
/// weight decodes them on the way, which fuses dequantization into the multiply: each weight is
/// decoded once per product, straight into the level-1 cache, and no float32 copy of the whole
/// weight is ever written.
protocol PanelSource: SendableMetatype {
    /// Rows of B: the depth of the product.
    var rows: Int { get }
    /// Columns of B: the columns of the result.
    var columns: Int { get }
    /// Writes B[rows, columns] into `panel` as `rows.count` rows of `MatrixMultiply.panelWidth`
    /// values, padding with zeros past the last column, with the given vector instructions (every
    /// level writes the same values).
    func pack(rows: Range<Int>, columns: Range<Int>, into panel: UnsafeMutablePointer<Float>, vectorLevel: qlora_vector_level)
}

extension MatrixMultiply.Operand: PanelSource {
    func pack(rows: Range<Int>, columns: Range<Int>, into panel: UnsafeMutablePointer<Float>, vectorLevel: qlora_vector_level) {
        qlora_pack_float_panel(
            vectorLevel, buffer.baseAddress.unsafelyUnwrapped, rowStride, columnStride,
            rows.lowerBound, rows.count, columns.lowerBound, columns.count, panel)
    }
}
