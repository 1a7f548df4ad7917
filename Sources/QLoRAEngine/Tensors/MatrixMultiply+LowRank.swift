import CQLoRAKernels

extension MatrixMultiply {
    /// Computes `c = initial + a · main + h · (upScale · up)` with `h = downScale · a · down` kept
    /// in `hidden`, one piece of rows at a time: a LoRA layer's output (a = x, main = Wᵀ, down = Aᵀ,
    /// up = Bᵀ, upScale = alpha / r) or its input gradient (a = g, main = W, down = B, downScale =
    /// alpha / r, up = A).
    ///
    /// h extends a by r columns and upScale · up extends main by r rows, so that the two terms
    /// are one product, `[a | h] · [main ; upScale · up]`, with its bits: each element of c sums
    /// the k + r products of its row and column in order. (A separate up product, only r deep,
    /// would read and write all of c once more, and spend as long scaling and adding its sums as
    /// computing them.) Each piece's h is computed while its rows of a are at hand, from the
    /// same tiles.
    ///
    /// Backward, it can also compute the adapter's weight gradients on the way (`weightGradients`),
    /// while each block of rows of g and of dL/dh is in cache: see `LowRankWeightGradients`.
    ///
    /// - Returns: what it computed: nothing when the packed operands or a piece of a with its h
    ///   do not fit the scratch (which depends on the shapes only: the caller then runs the
    ///   products one by one, the same sums in another order), and whether the weight gradients
    ///   were among it (not when there are too few blocks of rows to share out).
    static func multiply(
        _ a: Operand, main: some PanelSource, down: Operand, downScale: Float, up: Operand, upScale: Float,
        hidden: UnsafeMutableBufferPointer<Float>, into c: UnsafeMutableBufferPointer<Float>, accumulate: Bool,
        adding addend: UnsafeBufferPointer<Float>?, weightGradients: LowRankWeightGradients? = nil,
        panels: UnsafeMutableBufferPointer<Float>, threads: Int, vectorLevel: qlora_vector_level = .detected
    ) -> LowRankWork {
        let (m, k, n, r) = (a.rows, a.columns, main.columns, down.columns)
        precondition(main.rows == k && down.rows == k && up.rows == r && up.columns == n, "shapes of a low-rank product differ")
        precondition(c.count >= m * n && hidden.count >= m * r && addend.map { !accumulate && $0.count >= m * n } ?? true)
        let mainCount = PackedMatrix.count(rows: k + r, columns: n)
        let downCount = PackedMatrix.count(rows: k, columns: r)
        // A worker claims a piece of rows, or with weight gradients a block, computed a piece's
        // worth of rows (`rowPieces.size`) at a time.
        let rowPieces = RowPieces(rows: m, threads: threads)
        let pieceCount = RowTiles.count(rows: rowPieces.size, columns: k + r)
        precondition(panels.count >= panelScratchCount(threads: threads), "panel scratch too small")
        guard m > 0, k > 0, r > 0, mainCount + downCount <= packedLimit,
            RowTiles.count(rows: rowPiece, columns: k + r) <= packedLimit
        else { return LowRankWork(ran: false, weightGradients: false) }
        // The weight gradients' blocks of rows are the depth blocks of the products they replace,
        // so that their partial sums add up in the same order; worth it with two blocks a thread.
        let blocks = m.dividedRoundingUp(by: depthBlock)
        let gradients = weightGradients.flatMap { gradients in
            blocks >= 2 * max(1, threads) && pieceCount + LowRankWeightGradients.roomCount(rank: r) <= packedLimit && gradients.rank == r
                && gradients.input.rows == m && gradients.partials.count >= blocks * gradients.partialCount ? gradients : nil
        }
        let scratch = panels.baseAddress.unsafelyUnwrapped
        let packedMain = PackedMatrix(values: scratch, rows: k + r, columns: n, vectorLevel: vectorLevel)
        let packedDown = PackedMatrix(values: scratch + mainCount, rows: k, columns: r, vectorLevel: vectorLevel)
        let workers = max(1, min(threads, gradients == nil ? rowPieces.count : blocks))
        packedMain.pack(StackedRows(top: main, bottom: up, bottomScale: upScale), workers: workers)
        packedDown.pack(down, workers: workers)
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 1) { nextPiece in
            nextPiece[0] = 0
            WorkerPool.run(
                workers,
                LowRankShares(
                    a: a, main: packedMain, down: packedDown, downScale: downScale,
                    hidden: hidden.baseAddress.unsafelyUnwrapped, c: c.baseAddress.unsafelyUnwrapped,
                    initial: accumulate ? UnsafePointer(c.baseAddress.unsafelyUnwrapped) : addend?.baseAddress,
                    weightGradients: gradients, tiles: scratch + packedLimit, workers: workers, rowPieces: rowPieces,
                    nextPiece: nextPiece.baseAddress.unsafelyUnwrapped))
        }
        gradients?.sumPartials(blocks: blocks)
        return LowRankWork(ran: true, weightGradients: gradients != nil)
    }

    /// What a low-rank product computed.
    struct LowRankWork {
        /// Whether it ran: false when its operands did not fit the scratch.
        let ran: Bool
        /// Whether it also computed the adapter's weight gradients.
        let weightGradients: Bool
    }

    /// One worker's share of a low-rank product: pieces of rows (`rowPieces`), or with weight
    /// gradients blocks of `depthBlock` rows, claimed one at a time; a block is computed
    /// `rowPieces.size` rows at a time, then its weight gradients.
    private struct LowRankShares: ParallelWork {
        let a: Operand
        /// W (or Wᵀ) over upScale times the adapter's up side: k + r rows.
        let main: PackedMatrix
        let down: PackedMatrix
        let downScale: Float
        let hidden: UnsafeMutablePointer<Float>
        let c: UnsafeMutablePointer<Float>
        let initial: UnsafePointer<Float>?
        let weightGradients: LowRankWeightGradients?
        /// Room for each worker's piece of A and its h in tiles, `packedLimit` floats apart.
        let tiles: UnsafeMutablePointer<Float>
        let workers: Int
        let rowPieces: RowPieces
        let nextPiece: UnsafeMutablePointer<Int>

        /// Pieces to claim: row pieces, or blocks.
        var pieces: Int { weightGradients == nil ? rowPieces.count : a.rows.dividedRoundingUp(by: depthBlock) }

        func run(worker: Int) {
            let room = tiles + worker * packedLimit
            WorkerPool.forEachPiece(worker: worker, of: workers, pieces: pieces, next: nextPiece) { piece in
                guard let weightGradients else { return multiply(rows: rowPieces.rows(piece), room: room) }
                let block = piece * depthBlock..<min(a.rows, (piece + 1) * depthBlock)
                for start in stride(from: block.lowerBound, to: block.upperBound, by: rowPieces.size) {
                    multiply(rows: start..<min(block.upperBound, start + rowPieces.size), room: room)
                }
                weightGradients.addPartials(
                    block: piece, rows: block, outputGradient: a, hiddenGradient: UnsafePointer(hidden),
                    room: room + RowTiles.count(rows: rowPieces.size, columns: a.columns + down.columns),
                    vectorLevel: main.vectorLevel)
            }
        }

        private func multiply(rows: Range<Int>, room: UnsafeMutablePointer<Float>) {
            let (k, n, r) = (a.columns, main.columns, down.columns)
            let h = hidden + rows.lowerBound * r
            // The piece's rows of a, packed once into tiles with room for h beside them.
            let tiles = RowTiles(values: room, rows: rows.count, columns: k + r)
            tiles.pack(a.rows(rows), firstColumn: 0, vectorLevel: main.vectorLevel)
            for index in 0..<down.panelCount {
                down.multiplyPanel(index, tiles: tiles, depth: k, columns: r, into: h, rowStride: r, scale: downScale, initial: nil)
            }
            let hiddenRows = Operand(UnsafeBufferPointer(start: h, count: rows.count * r), rows: rows.count, columns: r)
            tiles.pack(hiddenRows, firstColumn: k, vectorLevel: main.vectorLevel)
            let cRows = c + rows.lowerBound * n
            for index in 0..<main.panelCount {
                main.multiplyPanel(
                    index, tiles: tiles, depth: k + r, columns: n, into: cRows, rowStride: n, scale: 1,
                    initial: initial.map { $0 + rows.lowerBound * n })
            }
        }
    }
}

/// A LoRA adapter's weight gradients, computed by the backward low-rank product on the way:
///
///     dL/dB = s gᵀ h        dL/dA = (dL/dh)ᵀ x
///
/// over every row (token), each block of `MatrixMultiply.depthBlock` rows summed while that block
/// of g and of dL/dh is in cache, into a partial of its own; the partials are then added in
/// block order. The separate products sum each depth block from zero and add it to the
/// gradient in the same order, so the bits are theirs.
struct LowRankWeightGradients {
    /// x, the layer's input: rows x in.
    let input: MatrixMultiply.Operand
    /// h = x Aᵀ as the forward pass kept it: rows x r.
    let hidden: UnsafePointer<Float>
    /// dL/dA, r x in.
    let a: UnsafeMutableBufferPointer<Float>
    /// dL/dB, out x r.
    let b: UnsafeMutableBufferPointer<Float>
    /// s, which dL/dB carries.
    let scale: Float
    /// The adapter's rank r.
    let rank: Int
    /// Room for every block's partials: `partialCount` floats each.
    let partials: UnsafeMutableBufferPointer<Float>

    /// Floats of one block's partials: dL/dB's, transposed, and dL/dA's.
    var partialCount: Int { b.count + a.count }

    /// Floats of room `addPartials` needs: r rows of a block in tiles, and one packed panel.
    static func roomCount(rank: Int) -> Int {
        MatrixMultiply.RowTiles.count(rows: rank, columns: MatrixMultiply.depthBlock)
            + MatrixMultiply.PackedMatrix.count(rows: MatrixMultiply.depthBlock, columns: MatrixMultiply.panelWidth)
    }

    /// Sums block `block`'s rows into its partials: s hᵀ g (r x out, the transpose of dL/dB's) and
    /// (dL/dh)ᵀ x (r x in): r rows of A packed into tiles, times the block's rows of g or x a panel
    /// at a time, so that the kernel's tiles run along the r rows and its panels across the wide
    /// side (r columns of panels would leave the kernel's vectors half empty).
    func addPartials(
        block: Int, rows: Range<Int>, outputGradient g: MatrixMultiply.Operand, hiddenGradient: UnsafePointer<Float>,
        room: UnsafeMutablePointer<Float>, vectorLevel: qlora_vector_level
    ) {
        let partial = partials.baseAddress.unsafelyUnwrapped + block * partialCount
        sum(hidden, times: g.rows(rows), rows: rows, into: partial, scale: scale, room: room, vectorLevel: vectorLevel)
        sum(hiddenGradient, times: input.rows(rows), rows: rows, into: partial + b.count, scale: 1, room: room, vectorLevel: vectorLevel)
    }

    /// c = scale · vᵀ · right over the block's `rows`, v being r columns wide (h or dL/dh).
    private func sum(
        _ v: UnsafePointer<Float>, times right: MatrixMultiply.Operand, rows: Range<Int>, into c: UnsafeMutablePointer<Float>,
        scale: Float, room: UnsafeMutablePointer<Float>, vectorLevel: qlora_vector_level
    ) {
        let r = rank
        let tiles = MatrixMultiply.RowTiles(values: room, rows: r, columns: rows.count)
        let block = MatrixMultiply.Operand(UnsafeBufferPointer(start: v + rows.lowerBound * r, count: rows.count * r), rows: rows.count, columns: r)
        tiles.pack(block.transposed, firstColumn: 0, vectorLevel: vectorLevel)
        let panel = MatrixMultiply.PackedMatrix(
            values: room + MatrixMultiply.RowTiles.count(rows: r, columns: MatrixMultiply.depthBlock), rows: rows.count,
            columns: MatrixMultiply.panelWidth, vectorLevel: vectorLevel)
        for column in stride(from: 0, to: right.columns, by: MatrixMultiply.panelWidth) {
            let columns = column..<min(right.columns, column + MatrixMultiply.panelWidth)
            right.pack(rows: 0..<rows.count, columns: columns, into: panel.values, vectorLevel: vectorLevel)
            panel.multiplyPanel(
                0, tiles: tiles, depth: rows.count, columns: columns.count, into: c + column, rowStride: right.columns,
                scale: scale, initial: nil)
        }
    }

    /// Adds the blocks' partials in order into dL/dB and dL/dA.
    func sumPartials(blocks: Int) {
        let r = rank
        let outFeatures = b.count / r
        let first = partials.baseAddress.unsafelyUnwrapped
        for block in 0..<max(1, blocks) {
            let partial = first + block * partialCount
            for row in 0..<outFeatures {
                for column in 0..<r {
                    let value = partial[column * outFeatures + row]
                    b[row * r + column] = block == 0 ? value : b[row * r + column] + value
                }
            }
            for index in 0..<a.count { a[index] = block == 0 ? partial[b.count + index] : a[index] + partial[b.count + index] }
        }
    }
}
