import CQLoRAKernels

extension MatrixMultiply {
    /// A's rows copied into tiles of `QLORA_TILE_ROWS` (`qlora_pack_row_tiles`), the layout the
    /// micro-kernel reads fastest: each tile's values of one column of A side by side.
    ///
    /// A tile may have room for more columns than one operand has, so that a second operand
    /// packed after the first extends A: the low-rank product appends h = x Aᵀ to x this way.
    struct RowTiles {
        /// Where the first tile starts.
        let values: UnsafeMutablePointer<Float>
        /// Rows of A.
        let rows: Int
        /// Floats from one tile to the next: `QLORA_TILE_ROWS` times the columns a tile has room for.
        let tileStride: Int

        /// Floats `rows` rows of `columns` columns take in tiles.
        static func count(rows: Int, columns: Int) -> Int {
            rows.dividedRoundingUp(by: Int(QLORA_TILE_ROWS)) * Int(QLORA_TILE_ROWS) * columns
        }

        /// Tiles in `values` for `rows` rows of up to `columns` columns.
        init(values: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
            self.values = values
            self.rows = rows
            tileStride = Int(QLORA_TILE_ROWS) * columns
        }

        /// Copies `a`, of `rows` rows, into the tiles' columns from `firstColumn` on.
        func pack(_ a: Operand, firstColumn: Int, vectorLevel: qlora_vector_level) {
            let columns = tileStride / Int(QLORA_TILE_ROWS)
            precondition(
                a.rows == rows && firstColumn + a.columns <= columns,
                "\(a.rows) x \(a.columns) at column \(firstColumn) of tiles for \(rows) x \(columns)")
            qlora_pack_row_tiles(
                vectorLevel, a.pointer(row: 0, column: 0), a.rowStride, a.columnStride, a.rows, a.columns, tileStride,
                values + firstColumn * Int(QLORA_TILE_ROWS))
        }
    }
}
