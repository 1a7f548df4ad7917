import QLoRAEngine

extension Heatmap {
    /// The matrix shrunk by `factor` along both axes, each cell the value of largest magnitude
    /// among the up to `factor × factor` it covers, so a single outlier never disappears.
    ///
    /// Returns the pooled size and its row-major values; a factor of 1 or less returns the matrix
    /// as it is. Values missing from a short `values` array count as 0.
    public func maxPooled(by factor: Int) -> (rows: Int, columns: Int, values: [Float]) {
        guard factor > 1 else { return (rows, columns, values) }
        let pooledRows = rows.dividedRoundingUp(by: factor), pooledColumns = columns.dividedRoundingUp(by: factor)
        var pooled = [Float](repeating: 0, count: pooledRows * pooledColumns)
        for row in 0..<rows {
            for column in 0..<columns {
                let source = row * columns + column
                guard source < values.count else { continue }
                let target = (row / factor) * pooledColumns + column / factor
                if abs(values[source]) > abs(pooled[target]) { pooled[target] = values[source] }
            }
        }
        return (pooledRows, pooledColumns, pooled)
    }
}
