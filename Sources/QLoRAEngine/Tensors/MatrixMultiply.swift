import CQLoRAKernels

/// Matrix products on float buffers: `C = scale · A · B`, or `C += scale · A · B`.
///
/// Every product a LoRA layer needs (`x Wᵀ`, `x Aᵀ`, `gyᵀ h`, `gy W`, ...) is this one routine with
/// the operands read through strides, so a transpose moves no data.
///
/// The kernel is the classic blocked one, small enough to read: B is copied a panel at a time
/// (`panelWidth` columns by `depthBlock` rows) into a contiguous scratch buffer (decoded on the way
/// when B is a packed weight, see `PanelSource`; all of B at once when it fits), and a
/// micro-kernel (`qlora_multiply_panel`, in C so that it can use AVX2 where the CPU has it) keeps six rows of that panel's columns of C in
/// registers while it walks down the panel, adding `A[i, p] * panel[p]` for each row i. Every
/// element of C is summed in the same order (p ascending, from zero in each depth block, then
/// scaled and added to C) however the work is split and whatever the vector width, so any number
/// of threads gives bit for bit the result of one, on any machine.
public enum MatrixMultiply {
    /// Columns of B (and of C) one micro-kernel call produces.
    public static let panelWidth = Int(QLORA_PANEL_WIDTH)
    /// Rows of B copied into a panel at a time, so the panel stays in the level-1 cache.
    public static let depthBlock = 256
    /// Floats of B one thread may hold packed: all of B when it is this small (every weight of
    /// the tiny Llama is), half a level-2 cache.
    static let packedLimit = 64 * 1024
    /// Rows of C a thread computes at a time when it holds all of B: small enough that their
    /// rows of A stay in the level-2 cache while every panel passes over them.
    static let rowPiece = 96

    /// Rows of C in a piece of an `m`-row product shared by up to `threads` threads: `rowPiece`,
    /// or fewer (whole tiles of twelve rows) so that every thread has several pieces to take.
    static func pieceRows(m: Int, threads: Int) -> Int {
        min(rowPiece, max(1, m.dividedRoundingUp(by: 4 * max(1, threads))).dividedRoundingUp(by: 12) * 12)
    }

    /// Floats of panel scratch `multiply` needs for `threads` threads: packed B, and each
    /// thread's panel or tiles of A.
    public static func panelScratchCount(threads: Int) -> Int {
        packedLimit * (max(1, threads) + 1)
    }

    /// A matrix read from a float buffer: element (row, column) is at `row * rowStride + column * columnStride`.
    public struct Operand {
        /// The values, laid out as the strides say.
        public var buffer: UnsafeBufferPointer<Float>
        /// The number of rows the operand is read as.
        public var rows: Int
        /// The number of columns the operand is read as.
        public var columns: Int
        /// Distance between consecutive rows.
        public var rowStride: Int
        /// Distance between consecutive columns.
        public var columnStride: Int

        /// A row-major `rows` x `columns` matrix.
        public init(_ buffer: UnsafeBufferPointer<Float>, rows: Int, columns: Int) {
            precondition(buffer.count >= rows * columns, "buffer holds \(buffer.count) values, not \(rows)x\(columns)")
            self.buffer = buffer
            self.rows = rows
            self.columns = columns
            rowStride = columns
            columnStride = 1
        }

        /// The same values read as the transposed matrix.
        public var transposed: Operand {
            var result = self
            swap(&result.rows, &result.columns)
            swap(&result.rowStride, &result.columnStride)
            return result
        }

        /// The operand's rows in `rows`.
        func rows(_ rows: Range<Int>) -> Operand {
            var result = self
            result.buffer = UnsafeBufferPointer(rebasing: buffer[(rows.lowerBound * rowStride)...])
            result.rows = rows.count
            return result
        }

        @inline(__always)
        func pointer(row: Int, column: Int) -> UnsafePointer<Float> {
            // baseAddress is nil only for an empty buffer, which `multiply` never reads.
            buffer.baseAddress.unsafelyUnwrapped + row * rowStride + column * columnStride
        }
    }

    /// Computes `c = scale · a · b`, or adds it to `c` when `accumulate` is true, or to `addend`
    /// (laid out as c is: a residual stream) when one is given.
    ///
    /// - Parameters:
    ///   - c: the row-major `a.rows` x `b.columns` result, its rows `rowStride` apart (by default
    ///     `b.columns`: one head's columns of a wider activation are written in place).
    ///   - panels: scratch of at least `panelScratchCount(threads:)` floats.
    ///   - threads: threads to split the columns (or rows) of C between (the same bits as one).
    public static func multiply(
        _ a: Operand, _ b: Operand, into c: UnsafeMutableBufferPointer<Float>, rowStride: Int? = nil,
        scale: Float = 1, accumulate: Bool = false, adding addend: UnsafeBufferPointer<Float>? = nil,
        panels: UnsafeMutableBufferPointer<Float>, threads: Int = 1
    ) {
        multiply(a, b, into: c, rowStride: rowStride, scale: scale, accumulate: accumulate, adding: addend, panels: panels,
                 threads: threads, vectorLevel: .detected)
    }

    /// `multiply` with the kernel's vector instructions chosen: every level gives the same bits.
    ///
    /// - Returns: how many values of B were copied (or decoded) into panels (B's size once, but
    ///   once per worker when a B too large to pack whole has too few panels to share out), and
    ///   how many workers computed a part of the product.
    @discardableResult
    static func multiply<B: PanelSource>(
        _ a: Operand, _ b: B, into c: UnsafeMutableBufferPointer<Float>, rowStride: Int? = nil,
        scale: Float, accumulate: Bool, adding addend: UnsafeBufferPointer<Float>? = nil,
        panels: UnsafeMutableBufferPointer<Float>, threads: Int,
        vectorLevel: qlora_vector_level
    ) -> Work {
        let m = a.rows, n = b.columns, cRowStride = rowStride ?? b.columns
        precondition(a.columns == b.rows, "inner dimensions \(a.columns) and \(b.rows) differ")
        precondition(cRowStride >= n && (m == 0 || c.count >= (m - 1) * cRowStride + n), "result buffer too small")
        precondition(panels.count >= panelScratchCount(threads: threads), "panel scratch too small")
        precondition(addend.map { !accumulate && $0.count >= (m - 1) * cRowStride + n } ?? true, "an addend is added to instead of c, and as large")
        if m == 0 || n == 0 { return Work() }
        if a.columns == 0 {
            // No products to sum: C is zero, or stays as it is.
            if !accumulate {
                for i in 0..<m {
                    let row = UnsafeMutableBufferPointer(rebasing: c[i * cRowStride..<i * cRowStride + n])
                    if let addend { _ = row.update(fromContentsOf: addend[i * cRowStride..<i * cRowStride + n]) } else { row.update(repeating: 0) }
                }
            }
            return Work()
        }
        let result = Result(
            values: c, rowStride: cRowStride,
            initial: accumulate ? UnsafePointer(c.baseAddress.unsafelyUnwrapped) : addend.map { $0.baseAddress.unsafelyUnwrapped })
        let panelCount = n.dividedRoundingUp(by: panelWidth)
        let scratch = panels.baseAddress.unsafelyUnwrapped
        if panelCount * panelWidth * a.columns <= packedLimit {
            // B fits one thread's scratch: the workers pack all of it once, sharing out its
            // panels, then compute whole rows of C a piece at a time, every worker reading the one
            // packed B and only its own rows of A, once. (Walking every row of A for each panel,
            // as below, reads A from beyond the level-2 cache once per panel.)
            let pieces = RowPieces(rows: m, threads: threads)
            let workers = max(1, min(threads, pieces.count))
            let packed = PackedMatrix(values: scratch, rows: a.columns, columns: n, vectorLevel: vectorLevel)
            let packedValues = packed.pack(b, workers: workers)
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 1) { nextPiece in
                nextPiece[0] = 0
                WorkerPool.run(
                    workers,
                    RowShares(
                        a: a, packed: packed, c: result, scale: scale,
                        tiles: RowTiles.count(rows: pieces.size, columns: a.columns) <= packedLimit ? scratch + packedLimit : nil, workers: workers,
                        pieces: pieces, nextPiece: nextPiece.baseAddress.unsafelyUnwrapped))
            }
            return Work(packedValues: packedValues, parallelPartitions: workers > 1 ? workers : 0)
        }
        let workers = max(1, min(threads, max(panelCount, m)))
        if workers == 1 {
            return Work(packedValues: multiplyPanels(0..<panelCount, rows: 0..<m, a, b, result, scale, scratch, vectorLevel))
        }
        // The workers share out the panels (the columns of C) when there are enough of them, or
        // else the rows of C, as in gᵀ x with an adapter of rank 8 over many tokens: one panel,
        // deep. They read a and b and write disjoint parts of c, of panels and of the counts.
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: workers + 1) { counts in
            counts.initialize(repeating: 0)
            WorkerPool.run(
                workers,
                ColumnShares(
                    a: a, b: b, c: result, scale: scale, scratch: scratch, vectorLevel: vectorLevel,
                    workers: workers, panelCount: panelCount, splitRows: panelCount < workers,
                    counts: counts.baseAddress.unsafelyUnwrapped))
            return Work(packedValues: counts.prefix(workers).reduce(0, +), parallelPartitions: workers)
        }
    }

    /// One worker's share of a product over a B packed whole: pieces of rows of C.
    private struct RowShares: ParallelWork {
        let a: Operand
        let packed: PackedMatrix
        let c: Result
        let scale: Float
        /// Room for each worker's piece of A packed into tiles, `packedLimit` floats apart; nil
        /// when a piece does not fit.
        let tiles: UnsafeMutablePointer<Float>?
        let workers: Int
        let pieces: RowPieces
        /// The next piece to claim.
        let nextPiece: UnsafeMutablePointer<Int>

        func run(worker: Int) {
            WorkerPool.forEachPiece(worker: worker, of: workers, pieces: pieces.count, next: nextPiece) { piece in
                let rows = pieces.rows(piece)
                packed.multiply(
                    a.rows(rows), tiles: tiles.map { $0 + worker * packedLimit }, columns: packed.columns,
                    into: c.values.baseAddress.unsafelyUnwrapped + rows.lowerBound * c.rowStride, rowStride: c.rowStride,
                    scale: scale, initial: c.initial.map { $0 + rows.lowerBound * c.rowStride })
            }
        }
    }

    /// One worker's share of a product split by panels (or, when there are fewer panels than
    /// workers, by rows), for a B too large for a worker to hold whole.
    private struct ColumnShares<B: PanelSource>: ParallelWork {
        let a: Operand
        let b: B
        let c: Result
        let scale: Float
        /// Panel scratch: `packedLimit` floats per worker, of which a panel uses the first.
        let scratch: UnsafeMutablePointer<Float>
        let vectorLevel: qlora_vector_level
        let workers: Int
        let panelCount: Int
        /// Whether the workers share out the rows of C, not its panels.
        let splitRows: Bool
        /// Each worker's count of packed values, then the next piece to claim.
        let counts: UnsafeMutablePointer<Int>

        func run(worker: Int) {
            let panel = scratch + worker * packedLimit
            if splitRows {
                let m = a.rows
                let rows = m * worker / workers..<m * (worker + 1) / workers
                counts[worker] += multiplyPanels(0..<panelCount, rows: rows, a, b, c, scale, panel, vectorLevel)
                return
            }
            // Pieces of a few panels each.
            let pieces = min(panelCount, workers * 4)
            WorkerPool.forEachPiece(worker: worker, of: workers, pieces: pieces, next: counts + workers) { piece in
                let share = panelCount * piece / pieces..<panelCount * (piece + 1) / pieces
                counts[worker] += multiplyPanels(share, rows: 0..<a.rows, a, b, c, scale, panel, vectorLevel)
            }
        }
    }

    /// Produces the columns of C covered by `panelRange` in `rows`, one depth block at a time.
    /// Returns how many values of B it packed.
    private static func multiplyPanels<B: PanelSource>(
        _ panelRange: Range<Int>, rows: Range<Int>, _ a: Operand, _ b: B, _ c: Result,
        _ scale: Float, _ panel: UnsafeMutablePointer<Float>, _ vectorLevel: qlora_vector_level
    ) -> Int {
        let n = b.columns, k = a.columns
        var packed = 0
        let cRows = c.values.baseAddress.unsafelyUnwrapped + rows.lowerBound * c.rowStride
        for depthStart in stride(from: 0, to: k, by: depthBlock) {
            let depth = min(depthBlock, k - depthStart)
            for panelIndex in panelRange {
                let column = panelIndex * panelWidth
                let width = min(panelWidth, n - column)
                b.pack(
                    rows: depthStart..<depthStart + depth, columns: column..<column + width, into: panel,
                    vectorLevel: vectorLevel)
                packed += depth * width
                // The first depth block adds its sums to the initial values; the next ones, to C.
                qlora_multiply_panel(
                    vectorLevel, a.pointer(row: rows.lowerBound, column: depthStart), a.rowStride, a.columnStride,
                    rows.count, depth, panel, cRows + column, c.rowStride, width, scale,
                    depthStart == 0 ? c.initial.map { $0 + rows.lowerBound * c.rowStride + column } : UnsafePointer(cRows + column))
            }
        }
        return packed
    }

    /// Where a product's result goes: C's values, the distance between its rows, and what the
    /// sums are added to: nothing, C itself, or an addend laid out as C is.
    private struct Result {
        let values: UnsafeMutableBufferPointer<Float>
        let rowStride: Int
        let initial: UnsafePointer<Float>?
    }
}
