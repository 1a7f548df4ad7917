import CQLoRAKernels

extension MatrixMultiply {
    /// Computes `c = initial + a · main + upScale · h · up` with `h = downScale · a · down` kept in
    /// `hidden`, one piece of rows at a time: a LoRA layer's output (a = x, main = Wᵀ, down = Aᵀ,
    /// up = Bᵀ, upScale = alpha / r) or its input gradient (a = g, main = W, down = B, downScale =
    /// alpha / r, up = A).
    ///
    /// The same sums, in the same order, as the three products one after another (main, then
    /// down, then up added to c), so the same bits; but each piece's h is computed while its rows
    /// of a are at hand, and each panel of c gets its low-rank term while it is still in the
    /// level-1 cache, where the separate up product, only r deep, would read and write all of c
    /// once more.
    ///
    /// - Returns: false, having computed nothing, when the three packed operands or a piece of a
    ///   do not fit the scratch: the caller runs the products one by one.
    static func multiply(
        _ a: Operand, main: some PanelSource, down: Operand, downScale: Float, up: Operand, upScale: Float,
        hidden: UnsafeMutableBufferPointer<Float>, into c: UnsafeMutableBufferPointer<Float>, accumulate: Bool,
        adding addend: UnsafeBufferPointer<Float>?, panels: UnsafeMutableBufferPointer<Float>, threads: Int,
        vectorLevel: qlora_vector_level = .detected
    ) -> Bool {
        let (m, k, n, r) = (a.rows, a.columns, main.columns, down.columns)
        precondition(main.rows == k && down.rows == k && up.rows == r && up.columns == n, "shapes of a low-rank product differ")
        precondition(c.count >= m * n && hidden.count >= m * r && addend.map { !accumulate && $0.count >= m * n } ?? true)
        let mainCount = PackedMatrix.count(rows: k, columns: n)
        let downCount = PackedMatrix.count(rows: k, columns: r)
        let upCount = PackedMatrix.count(rows: r, columns: n)
        let pieceRows = pieceRows(m: m, threads: threads)
        precondition(panels.count >= panelScratchCount(threads: threads), "panel scratch too small")
        guard m > 0, k > 0, r > 0, mainCount + downCount + upCount <= packedLimit, pieceRows * k <= packedLimit
        else { return false }
        let scratch = panels.baseAddress.unsafelyUnwrapped
        let packedMain = PackedMatrix(values: scratch, rows: k, columns: n, vectorLevel: vectorLevel)
        let packedDown = PackedMatrix(values: scratch + mainCount, rows: k, columns: r, vectorLevel: vectorLevel)
        let packedUp = PackedMatrix(values: scratch + mainCount + downCount, rows: r, columns: n, vectorLevel: vectorLevel)
        let pieces = m.dividedRoundingUp(by: pieceRows)
        let workers = max(1, min(threads, pieces))
        packedMain.pack(main, workers: workers)
        packedDown.pack(down, workers: workers)
        packedUp.pack(up, workers: workers)
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 1) { nextPiece in
            nextPiece[0] = 0
            WorkerPool.run(
                workers,
                LowRankShares(
                    a: a, main: packedMain, down: packedDown, downScale: downScale, up: packedUp, upScale: upScale,
                    hidden: hidden.baseAddress.unsafelyUnwrapped, c: c.baseAddress.unsafelyUnwrapped,
                    initial: accumulate ? UnsafePointer(c.baseAddress.unsafelyUnwrapped) : addend?.baseAddress,
                    tiles: scratch + packedLimit, workers: workers, pieceRows: pieceRows, pieces: pieces,
                    nextPiece: nextPiece.baseAddress.unsafelyUnwrapped))
        }
        return true
    }

    /// One worker's share of a low-rank product: pieces of `pieceRows` rows, claimed one at a time.
    private struct LowRankShares: ParallelWork {
        let a: Operand
        let main: PackedMatrix
        let down: PackedMatrix
        let downScale: Float
        let up: PackedMatrix
        let upScale: Float
        let hidden: UnsafeMutablePointer<Float>
        let c: UnsafeMutablePointer<Float>
        let initial: UnsafePointer<Float>?
        /// Room for each worker's piece of A in tiles, `packedLimit` floats apart.
        let tiles: UnsafeMutablePointer<Float>
        let workers: Int
        let pieceRows: Int
        let pieces: Int
        let nextPiece: UnsafeMutablePointer<Int>

        func run(worker: Int) {
            let (n, r) = (main.columns, down.columns)
            WorkerPool.forEachPiece(worker: worker, of: workers, pieces: pieces, next: nextPiece) { piece in
                let rows = piece * pieceRows..<min(a.rows, (piece + 1) * pieceRows)
                let share = a.rows(rows)
                let h = hidden + rows.lowerBound * r
                // The piece's rows of a, packed once into tiles, serve both products that read them.
                let tiled = main.tiles(of: share, columns: n, room: tiles + worker * packedLimit)
                for index in 0..<down.panelCount {
                    down.multiplyPanel(index, share, tiles: tiled, columns: r, into: h, rowStride: r, scale: downScale, initial: nil)
                }
                let hiddenRows = Operand(UnsafeBufferPointer(start: h, count: rows.count * r), rows: rows.count, columns: r)
                let cRows = c + rows.lowerBound * n
                for index in 0..<main.panelCount {
                    main.multiplyPanel(
                        index, share, tiles: tiled, columns: n, into: cRows, rowStride: n, scale: 1,
                        initial: initial.map { $0 + rows.lowerBound * n })
                    up.multiplyPanel(
                        index, hiddenRows, tiles: nil, columns: n, into: cRows, rowStride: n, scale: upScale,
                        initial: UnsafePointer(cRows))
                }
            }
        }
    }
}
