import CQLoRAKernels

extension MatrixMultiply {
    /// A right operand B packed whole into panels, for products that read it, or a leading part
    /// of it, more than once: its depth blocks one after another, each its panels one after
    /// another, each panel `depth` rows of `panelWidth` floats.
    ///
    /// Attention packs a head's keys and values once and multiplies every row block by a leading
    /// part of them (the keys a causal block sees): a panel's first rows are the first rows of B.
    struct PackedMatrix {
        /// Where the panels are.
        let values: UnsafeMutablePointer<Float>
        /// Rows of B: the depth of a product.
        let rows: Int
        /// Columns of B.
        let columns: Int
        let vectorLevel: qlora_vector_level

        /// Floats a `rows` x `columns` B takes packed.
        static func count(rows: Int, columns: Int) -> Int {
            rows * columns.dividedRoundingUp(by: panelWidth) * panelWidth
        }

        var panelCount: Int { columns.dividedRoundingUp(by: panelWidth) }

        /// Panel `index` of the depth block that starts at row `depthStart`.
        func panel(_ index: Int, depthStart: Int) -> UnsafeMutablePointer<Float> {
            values + depthStart * panelCount * panelWidth + index * min(depthBlock, rows - depthStart) * panelWidth
        }

        /// Packs panel `index` of `b` in every depth block; returns how many values of B it packed.
        @discardableResult
        func pack(_ index: Int, of b: some PanelSource) -> Int {
            let column = index * panelWidth
            let width = min(panelWidth, columns - column)
            for depthStart in stride(from: 0, to: rows, by: depthBlock) {
                b.pack(
                    rows: depthStart..<min(rows, depthStart + depthBlock), columns: column..<column + width,
                    into: panel(index, depthStart: depthStart), vectorLevel: vectorLevel)
            }
            return rows * width
        }

        /// Packs all of `b`, a `rows` x `columns` matrix, into `values`.
        init(packing b: some PanelSource, into values: UnsafeMutablePointer<Float>, vectorLevel: qlora_vector_level) {
            self.init(values: values, rows: b.rows, columns: b.columns, vectorLevel: vectorLevel)
            for index in 0..<panelCount { pack(index, of: b) }
        }

        init(values: UnsafeMutablePointer<Float>, rows: Int, columns: Int, vectorLevel: qlora_vector_level) {
            self.values = values
            self.rows = rows
            self.columns = columns
            self.vectorLevel = vectorLevel
        }

        /// Computes `c = initial + scale · a · B[0..<depth, 0..<columns]` for `a.rows` rows, where
        /// `a` is `a.rows` x `depth`; c's rows are `rowStride` apart, and so are `initial`'s (nil
        /// for zero, c itself to add to it).
        ///
        /// Each element sums its depth products from zero in order within each depth block, as
        /// `multiply` does, so a leading part of B gives the bits of a B that size.
        ///
        /// - Parameter tiles: room for `a.rows` x `depth` floats, or nil: when B is wider than one
        ///   narrow panel, A is first copied there in tiles, the layout the micro-kernel reads
        ///   fastest (each tile's values of one p side by side); the sums are the same.
        func multiply(
            _ a: Operand, tiles: UnsafeMutablePointer<Float>? = nil, columns: Int, into c: UnsafeMutablePointer<Float>,
            rowStride: Int, scale: Float = 1, initial: UnsafePointer<Float>? = nil
        ) {
            let depth = a.columns
            precondition(depth <= rows && columns <= self.columns, "a \(depth)-deep product over \(columns) columns of a \(rows) x \(self.columns) B")
            guard a.rows > 0 else { return }
            let tiled = columns > panelWidth / 2 ? tiles : nil
            if let tiled {
                qlora_pack_row_tiles(vectorLevel, a.pointer(row: 0, column: 0), a.rowStride, a.columnStride, a.rows, depth, tiled)
            }
            let tileStride = Int(QLORA_TILE_ROWS) * depth
            for depthStart in stride(from: 0, to: depth, by: depthBlock) {
                for index in 0..<columns.dividedRoundingUp(by: panelWidth) {
                    let column = index * panelWidth
                    let (depthCount, width) = (min(depthBlock, depth - depthStart), min(panelWidth, columns - column))
                    // The first depth block adds its sums to the initial values; the next ones, to C.
                    let start = depthStart == 0 ? initial.map { $0 + column } : UnsafePointer(c + column)
                    if let tiled {
                        qlora_multiply_tiled_panel(
                            vectorLevel, tiled + depthStart * Int(QLORA_TILE_ROWS), tileStride, a.rows, depthCount,
                            panel(index, depthStart: depthStart), c + column, rowStride, width, scale, start)
                    } else {
                        qlora_multiply_panel(
                            vectorLevel, a.pointer(row: 0, column: depthStart), a.rowStride, a.columnStride, a.rows,
                            depthCount, panel(index, depthStart: depthStart), c + column, rowStride, width, scale, start)
                    }
                }
            }
        }
    }
}
