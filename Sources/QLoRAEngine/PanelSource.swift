/// A matrix `MatrixMultiply` can read its right operand B from, one panel at a time.
///
/// The kernel never reads B directly: it asks for a block of `depth` rows by up to `panelWidth`
/// columns, copied into a small contiguous buffer. A float matrix copies its values; a packed
/// weight decodes them on the way, which fuses dequantization into the multiply: each weight is
/// decoded once per product, straight into the level-1 cache, and no float32 copy of the whole
/// weight is ever written.
public protocol PanelSource: SendableMetatype {
    /// Rows of B: the depth of the product.
    var rows: Int { get }
    /// Columns of B: the columns of the result.
    var columns: Int { get }
    /// Writes B[rows, columns] into `panel` as `rows.count` rows of `MatrixMultiply.panelWidth`
    /// values, padding with zeros past the last column.
    func pack(rows: Range<Int>, columns: Range<Int>, into panel: UnsafeMutablePointer<Float>)
}

extension PanelSource {
    /// Fills `panel` from `value(p, j)`, the element of B at row p, column j.
    @inline(__always)
    func packElements(
        rows: Range<Int>, columns: Range<Int>, into panel: UnsafeMutablePointer<Float>, _ value: (Int, Int) -> Float
    ) {
        let width = MatrixMultiply.panelWidth
        for (offset, p) in rows.enumerated() {
            let destination = panel + offset * width
            for j in 0..<width {
                destination[j] = j < columns.count ? value(p, columns.lowerBound + j) : 0
            }
        }
    }
}

extension MatrixMultiply.Operand: PanelSource {
    public func pack(rows: Range<Int>, columns: Range<Int>, into panel: UnsafeMutablePointer<Float>) {
        packElements(rows: rows, columns: columns, into: panel) { p, j in pointer(row: p, column: j).pointee }
    }
}
