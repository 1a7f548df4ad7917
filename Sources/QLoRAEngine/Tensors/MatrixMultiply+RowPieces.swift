extension MatrixMultiply {
    /// How the rows of a product's C are cut into the pieces its threads claim one at a time:
    /// pieces of `size` rows, then, for the last rows (a piece's worth per thread), pieces of a
    /// quarter of that, so that the threads run out of work nearly together instead of one
    /// waiting for the other's last whole piece. Rows are independent: the cut changes no bit.
    struct RowPieces {
        /// Rows of C.
        let rows: Int
        /// Rows of a whole piece (`pieceRows(m:threads:)`), the most any piece has.
        let size: Int
        /// Rows of a piece near the end: a quarter of `size`, in whole tiles of twelve rows.
        let small: Int
        /// Whole pieces, which come first.
        let wholeCount: Int
        /// Pieces in all.
        let count: Int

        init(rows: Int, threads: Int) {
            self.rows = rows
            size = MatrixMultiply.pieceRows(m: rows, threads: threads)
            small = max(12, size / 4 / 12 * 12)
            wholeCount = max(0, rows - max(1, threads) * size) / size
            count = wholeCount + (rows - wholeCount * size).dividedRoundingUp(by: small)
        }

        /// The rows of piece `index`.
        func rows(_ index: Int) -> Range<Int> {
            if index < wholeCount { return index * size..<(index + 1) * size }
            let start = wholeCount * size + (index - wholeCount) * small
            return start..<min(rows, start + small)
        }
    }
}
