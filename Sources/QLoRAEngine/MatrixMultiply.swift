import Dispatch

/// Matrix products on float buffers: `C = scale · A · B`, or `C += scale · A · B`.
///
/// Every product a LoRA layer needs (`x Wᵀ`, `x Aᵀ`, `gyᵀ h`, `gy W`, ...) is this one routine with
/// the operands read through strides, so a transpose moves no data.
///
/// The kernel is the classic blocked one, small enough to read: B is copied a panel at a time
/// (`panelWidth` columns by `depthBlock` rows) into a contiguous scratch buffer (decoded on the way
/// when B is a packed weight, see `PanelSource`), and a micro-kernel
/// keeps `microRows` rows of C in SIMD registers while it walks down the panel, adding
/// `A[i, p] * panel[p]` for each row i. Every element of C is summed in the same order (p ascending)
/// however the work is split, so two threads give bit-for-bit the result of one.
public enum MatrixMultiply {
    /// One row of a panel, as the micro-kernel holds it in registers.
    typealias PanelRow = SIMD8<Float>
    /// Columns of B (and of C) one micro-kernel call produces.
    public static let panelWidth = PanelRow.scalarCount
    /// Rows of B copied into a panel at a time, so the panel stays in the level-1 cache.
    public static let depthBlock = 256
    /// Rows of C one micro-kernel call keeps in registers.
    static let microRows = 4

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
    ///   - c: the row-major `a.rows` x `b.columns` result.
    ///   - panels: scratch of at least `panelScratchCount(threads:)` floats.
    ///   - threads: 1, or 2 to split the columns of C between two threads (same bits as one).
    public static func multiply<B: PanelSource>(
        _ a: Operand, _ b: B, into c: UnsafeMutableBufferPointer<Float>,
        scale: Float = 1, accumulate: Bool = false,
        panels: UnsafeMutableBufferPointer<Float>, threads: Int = 1
    ) {
        precondition(a.columns == b.rows, "inner dimensions \(a.columns) and \(b.rows) differ")
        precondition(c.count >= a.rows * b.columns, "result buffer too small")
        precondition(panels.count >= panelScratchCount(threads: threads), "panel scratch too small")
        let m = a.rows, n = b.columns
        if m == 0 || n == 0 { return }
        if !accumulate { UnsafeMutableBufferPointer(rebasing: c[0..<m * n]).update(repeating: 0) }
        if a.columns == 0 { return }
        let panelCount = n.dividedRoundingUp(by: panelWidth)
        let workers = min(max(1, threads), panelCount)
        if workers == 1 {
            multiplyPanels(0..<panelCount, a, b, c, scale, panels.baseAddress.unsafelyUnwrapped)
            return
        }
        // The workers read a and b and write disjoint columns of c and disjoint parts of panels.
        nonisolated(unsafe) let (a, b, c, panels) = (a, b, c, panels)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let first = panelCount * worker / workers
            let last = panelCount * (worker + 1) / workers
            let scratch = panels.baseAddress.unsafelyUnwrapped + worker * panelWidth * depthBlock
            multiplyPanels(first..<last, a, b, c, scale, scratch)
        }
    }

    /// Produces the columns of C covered by `panelRange`, one depth block at a time.
    private static func multiplyPanels<B: PanelSource>(
        _ panelRange: Range<Int>, _ a: Operand, _ b: B, _ c: UnsafeMutableBufferPointer<Float>,
        _ scale: Float, _ panel: UnsafeMutablePointer<Float>
    ) {
        let m = a.rows, n = b.columns, k = a.columns
        let cBase = c.baseAddress.unsafelyUnwrapped
        for depthStart in stride(from: 0, to: k, by: depthBlock) {
            let depth = min(depthBlock, k - depthStart)
            for panelIndex in panelRange {
                let column = panelIndex * panelWidth
                let width = min(panelWidth, n - column)
                b.pack(rows: depthStart..<depthStart + depth, columns: column..<column + width, into: panel)
                for row in stride(from: 0, to: m, by: microRows) {
                    microKernel(
                        a, row: row, depthStart: depthStart, depth: depth, panel: panel,
                        c: cBase, cStride: n, column: column, width: width, scale: scale
                    )
                }
            }
        }
    }

#if DEBUG
    /// Debug builds leave Swift's SIMD types unoptimized (each lane operation is a call, some fifty
    /// times slower than scalar code), so there the micro-kernel runs lane by lane: the same sums in
    /// the same order, which give the same bits.
    private static func microKernel(
        _ a: Operand, row: Int, depthStart: Int, depth: Int, panel: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, cStride: Int, column: Int, width: Int, scale: Float
    ) {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: panelWidth) { buffer in
            let sums = buffer.baseAddress.unsafelyUnwrapped
            for r in 0..<min(microRows, a.rows - row) {
                sums.update(repeating: 0, count: panelWidth)
                var aPointer = a.pointer(row: row + r, column: depthStart)
                var b = panel
                var p = 0
                while p < depth {
                    let value = aPointer.pointee
                    var j = 0
                    while j < panelWidth {
                        sums[j] += value * b[j]
                        j += 1
                    }
                    aPointer += a.columnStride
                    b += panelWidth
                    p += 1
                }
                let destination = c + (row + r) * cStride + column
                var j = 0
                while j < width {
                    destination[j] += scale * sums[j]
                    j += 1
                }
            }
        }
    }
#else
    /// Adds `scale · A[row..<row+4, block] · panel` to four rows of C, held in registers meanwhile.
    ///
    /// Rows past the end of A re-read A's last row; their results are computed and dropped, which
    /// keeps one straight-line kernel and leaves every kept element's arithmetic unchanged.
    @inline(__always)
    private static func microKernel(
        _ a: Operand, row: Int, depthStart: Int, depth: Int, panel: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, cStride: Int, column: Int, width: Int, scale: Float
    ) {
        let lastRow = a.rows - 1
        var a0 = a.pointer(row: row, column: depthStart)
        var a1 = a.pointer(row: min(row + 1, lastRow), column: depthStart)
        var a2 = a.pointer(row: min(row + 2, lastRow), column: depthStart)
        var a3 = a.pointer(row: min(row + 3, lastRow), column: depthStart)
        let step = a.columnStride
        var sum0 = PanelRow(), sum1 = PanelRow(), sum2 = PanelRow(), sum3 = PanelRow()
        var b = UnsafeRawPointer(panel)
        for _ in 0..<depth {
            let bRow = b.loadUnaligned(as: PanelRow.self)
            sum0 += a0.pointee * bRow
            sum1 += a1.pointee * bRow
            sum2 += a2.pointee * bRow
            sum3 += a3.pointee * bRow
            a0 += step; a1 += step; a2 += step; a3 += step
            b += MemoryLayout<PanelRow>.stride
        }
        let rowStride = cStride
        addRow(sum0, scale: scale, to: c + row * rowStride + column, width: width)
        if row + 1 <= lastRow { addRow(sum1, scale: scale, to: c + (row + 1) * rowStride + column, width: width) }
        if row + 2 <= lastRow { addRow(sum2, scale: scale, to: c + (row + 2) * rowStride + column, width: width) }
        if row + 3 <= lastRow { addRow(sum3, scale: scale, to: c + (row + 3) * rowStride + column, width: width) }
    }

    /// Adds `scale * sum` to the first `width` values at `destination`.
    @inline(__always)
    private static func addRow(_ sum: PanelRow, scale: Float, to destination: UnsafeMutablePointer<Float>, width: Int) {
        if width == panelWidth {
            let raw = UnsafeMutableRawPointer(destination)
            let current = raw.loadUnaligned(as: PanelRow.self)
            raw.storeBytes(of: current + scale * sum, as: PanelRow.self)
        } else {
            for j in 0..<width { destination[j] += scale * sum[j] }
        }
    }
#endif
}
