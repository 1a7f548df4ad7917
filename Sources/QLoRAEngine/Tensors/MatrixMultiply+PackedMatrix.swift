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

        /// Packs all of `b`, a `rows` x `columns` matrix, `workers` threads sharing out its panels;
        /// returns how many values of B they packed.
        @discardableResult
        func pack(_ b: some PanelSource, workers: Int) -> Int {
            withUnsafeTemporaryAllocation(of: Int.self, capacity: workers + 1) { counts in
                counts.initialize(repeating: 0)
                WorkerPool.run(workers, PackShares(b: b, packed: self, workers: workers, counts: counts.baseAddress.unsafelyUnwrapped))
                return counts.prefix(workers).reduce(0, +)
            }
        }

        /// One worker's share of packing B whole: panels claimed one at a time, the first its own.
        private struct PackShares<B: PanelSource>: ParallelWork {
            let b: B
            let packed: PackedMatrix
            let workers: Int
            /// Each worker's count of packed values, then the next panel to claim.
            let counts: UnsafeMutablePointer<Int>

            func run(worker: Int) {
                WorkerPool.forEachPiece(worker: worker, of: workers, pieces: packed.panelCount, next: counts + workers) { panel in
                    counts[worker] += packed.pack(panel, of: b)
                }
            }
        }

        /// Packs all of `b`, a `rows` x `columns` matrix, into `values`, on this thread.
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
        /// - Parameter tiles: room for `RowTiles.count(rows: a.rows, columns: a.columns)` floats, or nil
        ///   (see `tiles(of:columns:room:)`).
        func multiply(
            _ a: Operand, tiles: UnsafeMutablePointer<Float>? = nil, columns: Int, into c: UnsafeMutablePointer<Float>,
            rowStride: Int, scale: Float = 1, initial: UnsafePointer<Float>? = nil
        ) {
            precondition(a.columns <= rows && columns <= self.columns, "a \(a.columns)-deep product over \(columns) columns of a \(rows) x \(self.columns) B")
            guard a.rows > 0 else { return }
            let tiled = self.tiles(of: a, columns: columns, room: tiles)
            for index in 0..<columns.dividedRoundingUp(by: panelWidth) {
                multiplyPanel(index, a, tiles: tiled, columns: columns, into: c, rowStride: rowStride, scale: scale, initial: initial)
            }
        }

        /// Copies `a` into tiles in `room` when this product is wider than one narrow panel and
        /// returns them; nil when it is not, or there is no room. The sums are the same either way.
        func tiles(of a: Operand, columns: Int, room: UnsafeMutablePointer<Float>?) -> RowTiles? {
            guard let room, columns > panelWidth / 2 else { return nil }
            let tiles = RowTiles(values: room, rows: a.rows, columns: a.columns)
            tiles.pack(a, firstColumn: 0, vectorLevel: vectorLevel)
            return tiles
        }

        /// `multiply` for the columns of panel `index` only (of `columns` in all), A read from
        /// `tiles` when they hold it.
        func multiplyPanel(
            _ index: Int, _ a: Operand, tiles: RowTiles?, columns: Int, into c: UnsafeMutablePointer<Float>,
            rowStride: Int, scale: Float, initial: UnsafePointer<Float>?
        ) {
            if let tiles {
                return multiplyPanel(
                    index, tiles: tiles, depth: a.columns, columns: columns, into: c, rowStride: rowStride, scale: scale,
                    initial: initial)
            }
            let column = index * panelWidth
            let width = min(panelWidth, columns - column)
            for depthStart in stride(from: 0, to: a.columns, by: depthBlock) {
                // The first depth block adds its sums to the initial values; the next ones, to C.
                qlora_multiply_panel(
                    vectorLevel, a.pointer(row: 0, column: depthStart), a.rowStride, a.columnStride, a.rows,
                    min(depthBlock, a.columns - depthStart), panel(index, depthStart: depthStart), c + column, rowStride,
                    width, scale, depthStart == 0 ? initial.map { $0 + column } : UnsafePointer(c + column))
            }
        }

        /// `multiplyPanel` with A the first `depth` columns of `tiles`.
        func multiplyPanel(
            _ index: Int, tiles: RowTiles, depth: Int, columns: Int, into c: UnsafeMutablePointer<Float>,
            rowStride: Int, scale: Float, initial: UnsafePointer<Float>?
        ) {
            let column = index * panelWidth
            let width = min(panelWidth, columns - column)
            for depthStart in stride(from: 0, to: depth, by: depthBlock) {
                qlora_multiply_tiled_panel(
                    vectorLevel, tiles.values + depthStart * Int(QLORA_TILE_ROWS), tiles.tileStride, tiles.rows,
                    min(depthBlock, depth - depthStart), panel(index, depthStart: depthStart), c + column, rowStride,
                    width, scale, depthStart == 0 ? initial.map { $0 + column } : UnsafePointer(c + column))
            }
        }
    }
}
