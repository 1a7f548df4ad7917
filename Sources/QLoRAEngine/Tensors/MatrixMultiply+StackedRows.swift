import CQLoRAKernels

extension MatrixMultiply {
    /// B over B′: the rows of `top`, then those of `bottom` times `bottomScale`, as one matrix
    /// (the low-rank product's `[main ; upScale · up]`).
    struct StackedRows<Top: PanelSource>: PanelSource {
        let top: Top
        let bottom: Operand
        let bottomScale: Float

        var rows: Int { top.rows + bottom.rows }
        var columns: Int { top.columns }

        func pack(rows: Range<Int>, columns: Range<Int>, into panel: UnsafeMutablePointer<Float>, vectorLevel: qlora_vector_level) {
            let split = min(max(rows.lowerBound, top.rows), rows.upperBound)
            if rows.lowerBound < split {
                top.pack(rows: rows.lowerBound..<split, columns: columns, into: panel, vectorLevel: vectorLevel)
            }
            guard split < rows.upperBound else { return }
            let lower = panel + (split - rows.lowerBound) * panelWidth
            bottom.pack(rows: split - top.rows..<rows.upperBound - top.rows, columns: columns, into: lower, vectorLevel: vectorLevel)
            if bottomScale != 1 {
                for index in 0..<(rows.upperBound - split) * panelWidth { lower[index] *= bottomScale }
            }
        }
    }
}
