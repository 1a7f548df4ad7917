import CQLoRAKernels

/// Matrix products on float buffers: `C = scale · A · B`, or `C += scale · A · B`.
///
/// Every product a LoRA layer needs (`x Wᵀ`, `x Aᵀ`, `gyᵀ h`, `gy W`, ...) is this one routine with
/// the operands read through strides, so a transpose moves no data.
///
/// The kernel is the classic blocked one, small enough to read: B is copied a panel at a time
/// (`panelWidth` columns by `depthBlock` rows) into a contiguous scratch buffer (decoded on the way
/// when B is a packed weight, see `PanelSource`), and a micro-kernel (`qlora_multiply_panel`, in C
/// so that it can use AVX2 where the CPU has it) keeps six rows of that panel's columns of C in
/// registers while it walks down the panel, adding `A[i, p] * panel[p]` for each row i. Every
/// element of C is summed in the same order (p ascending, from zero in each depth block, then
/// scaled and added to C) however the work is split and whatever the vector width, so any number
/// of threads gives bit for bit the result of one, on any machine.
public enum MatrixMultiply {
    /// Columns of B (and of C) one micro-kernel call produces.
    public static let panelWidth = Int(QLORA_PANEL_WIDTH)
    /// Rows of B copied into a panel at a time, so the panel stays in the level-1 cache.
    public static let depthBlock = 256

    /// Floats of panel scratch `multiply` needs for `threads` threads.
    public static func panelScratchCount(threads: Int) -> Int {
        panelWidth * depthBlock * max(1, threads)
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

        @inline(__always)
        func pointer(row: Int, column: Int) -> UnsafePointer<Float> {
            // baseAddress is nil only for an empty buffer, which `multiply` never reads.
            buffer.baseAddress.unsafelyUnwrapped + row * rowStride + column * columnStride
        }
    }

    /// Computes `c = scale · a · b`, or adds it to `c` when `accumulate` is true.
    ///
    /// - Parameters:
    ///   - c: the row-major `a.rows` x `b.columns` result, its rows `rowStride` apart (by default
    ///     `b.columns`: one head's columns of a wider activation are written in place).
    ///   - panels: scratch of at least `panelScratchCount(threads:)` floats.
    ///   - threads: threads to split the columns (or rows) of C between (the same bits as one).
    public static func multiply(
        _ a: Operand, _ b: Operand, into c: UnsafeMutableBufferPointer<Float>, rowStride: Int? = nil,
        scale: Float = 1, accumulate: Bool = false,
        panels: UnsafeMutableBufferPointer<Float>, threads: Int = 1
    ) {
        multiply(a, b, into: c, rowStride: rowStride, scale: scale, accumulate: accumulate, panels: panels,
                 threads: threads, vectorLevel: .detected)
    }

    /// `multiply` with the kernel's vector instructions chosen: every level gives the same bits.
    ///
    /// - Returns: how many values of B were copied (or decoded) into panels (B's size once when
    ///   the columns are shared out, once per worker when the rows are), and how many workers
    ///   computed a part of the product.
    @discardableResult
    static func multiply<B: PanelSource>(
        _ a: Operand, _ b: B, into c: UnsafeMutableBufferPointer<Float>, rowStride: Int? = nil,
        scale: Float, accumulate: Bool, panels: UnsafeMutableBufferPointer<Float>, threads: Int,
        vectorLevel: qlora_vector_level
    ) -> Work {
        let m = a.rows, n = b.columns, cRowStride = rowStride ?? b.columns
        precondition(a.columns == b.rows, "inner dimensions \(a.columns) and \(b.rows) differ")
        precondition(cRowStride >= n && (m == 0 || c.count >= (m - 1) * cRowStride + n), "result buffer too small")
        precondition(panels.count >= panelScratchCount(threads: threads), "panel scratch too small")
        if m == 0 || n == 0 { return Work() }
        if a.columns == 0 {
            // No products to sum: C is zero, or stays as it is.
            if !accumulate {
                for i in 0..<m { UnsafeMutableBufferPointer(rebasing: c[i * cRowStride..<i * cRowStride + n]).update(repeating: 0) }
            }
            return Work()
        }
        let result = Result(values: c, rowStride: cRowStride, overwrite: !accumulate)
        let panelCount = n.dividedRoundingUp(by: panelWidth)
        let workers = max(1, min(threads, max(panelCount, m)))
        if workers == 1 {
            return Work(packedValues: multiplyPanels(
                0..<panelCount, rows: 0..<m, a, b, result, scale, panels.baseAddress.unsafelyUnwrapped, vectorLevel))
        }
        // The workers share out the panels (the columns of C) when there are enough of them, or
        // else the rows of C, as in x Aᵀ with an adapter of rank 8: one panel, many rows. They read
        // a and b and write disjoint parts of c, of panels and of the packed-value counts.
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: workers + 1) { counts in
            counts.initialize(repeating: 0)
            WorkerPool.run(
                workers,
                SharedProduct(
                    a: a, b: b, c: result, scale: scale, scratch: panels.baseAddress.unsafelyUnwrapped,
                    vectorLevel: vectorLevel, workers: workers, panelCount: panelCount,
                    splitRows: panelCount < workers, counts: counts.baseAddress.unsafelyUnwrapped))
            return Work(packedValues: counts.prefix(workers).reduce(0, +), parallelPartitions: workers)
        }
    }

    /// One worker's share of a product split between threads.
    private struct SharedProduct<B: PanelSource>: ParallelWork {
        let a: Operand
        let b: B
        let c: Result
        let scale: Float
        /// Panel scratch: `panelWidth` x `depthBlock` floats per worker.
        let scratch: UnsafeMutablePointer<Float>
        let vectorLevel: qlora_vector_level
        let workers: Int
        let panelCount: Int
        /// Whether the workers share out the rows of C, not its panels.
        let splitRows: Bool
        /// Each worker's count of packed values, then the next piece to claim.
        let counts: UnsafeMutablePointer<Int>

        func run(worker: Int) {
            let panel = scratch + worker * panelWidth * depthBlock
            if splitRows {
                let m = a.rows
                let rows = m * worker / workers..<m * (worker + 1) / workers
                counts[worker] += multiplyPanels(0..<panelCount, rows: rows, a, b, c, scale, panel, vectorLevel)
                return
            }
            // Each worker's first piece is its own, so every worker computes a share however late
            // it starts; the rest are claimed a few panels at a time, so a thread the machine slows
            // down does less of the work. Which thread computes a panel never changes its bits.
            let pieces = min(panelCount, workers * 4)
            var piece = worker
            while piece < pieces {
                let share = panelCount * piece / pieces..<panelCount * (piece + 1) / pieces
                counts[worker] += multiplyPanels(share, rows: 0..<a.rows, a, b, c, scale, panel, vectorLevel)
                piece = workers + qlora_claim_next(counts + workers)
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
                // The first depth block stores its sums over what C held, unless they add to it.
                qlora_multiply_panel(
                    vectorLevel, a.pointer(row: rows.lowerBound, column: depthStart), a.rowStride, a.columnStride,
                    rows.count, depth, panel, cRows + column, c.rowStride, width, scale,
                    c.overwrite && depthStart == 0 ? 1 : 0)
            }
        }
        return packed
    }

    /// Where a product's result goes: C's values, the distance between its rows, and whether the
    /// product replaces them or adds to them.
    private struct Result {
        let values: UnsafeMutableBufferPointer<Float>
        let rowStride: Int
        let overwrite: Bool
    }
}
