import QLoRAEngine
import TutorLessons

extension HeatmapWidget {
    /// How a matrix maps onto character cells: pooling, scaling and where grid lines go.
    struct Layout {
        /// Matrix cells per screen pixel along each axis (1 when the matrix fits).
        var poolFactor: Int
        /// Screen pixels per pooled cell along each axis (1 when pooled).
        var cellScale: Int
        /// Each display column: a pooled matrix column, or nil for a grid line.
        var displayColumns: [Int?]
        /// Each display row: the pooled rows drawn in its top and bottom half (bottom may be empty), or nil for a grid line.
        var displayRows: [(top: Int, bottom: Int?)?]
        var pooledRows: Int
        var pooledColumns: Int
    }

    /// Fits `heatmap` into `width` columns and `rows` rows.
    func layout(for heatmap: Heatmap, width: Int, rows: Int) -> Layout {
        let pixelsPerRow = usesHalfBlocks ? 2 : 1
        let pixelRows = max(0, rows) * pixelsPerRow
        guard heatmap.rows > 0, heatmap.columns > 0, width > 0, pixelRows > 0 else {
            return Layout(poolFactor: 1, cellScale: 1, displayColumns: [], displayRows: [], pooledRows: 0, pooledColumns: 0)
        }
        // One factor for both axes keeps the matrix's shape.
        let poolFactor = max(heatmap.columns.dividedRoundingUp(by: width), heatmap.rows.dividedRoundingUp(by: pixelRows), 1)
        let pooledRows = heatmap.rows.dividedRoundingUp(by: poolFactor), pooledColumns = heatmap.columns.dividedRoundingUp(by: poolFactor)
        var cellScale = poolFactor == 1 ? max(1, min(maximumCellScale, width / pooledColumns, pixelRows / pooledRows)) : 1
        var columns = gridded(count: pooledColumns, scale: cellScale, block: gridBlock(heatmap)?.columns, poolFactor: poolFactor)
        var pixels = gridded(count: pooledRows, scale: cellScale, block: gridBlock(heatmap)?.rows, poolFactor: poolFactor)
        var displayRows = pairRows(pixels)
        // Grid lines take room; drop the scale, then the grid, until the matrix fits.
        while columns.count > width || displayRows.count > rows {
            if cellScale > 1 {
                cellScale -= 1
            } else {
                columns = (0..<pooledColumns).map { $0 }
                pixels = (0..<pooledRows).map { $0 }
                displayRows = pairRows(pixels)
                break
            }
            columns = gridded(count: pooledColumns, scale: cellScale, block: gridBlock(heatmap)?.columns, poolFactor: poolFactor)
            pixels = gridded(count: pooledRows, scale: cellScale, block: gridBlock(heatmap)?.rows, poolFactor: poolFactor)
            displayRows = pairRows(pixels)
        }
        return Layout(poolFactor: poolFactor, cellScale: cellScale, displayColumns: columns, displayRows: displayRows, pooledRows: pooledRows, pooledColumns: pooledColumns)
    }

    private func gridBlock(_ heatmap: Heatmap) -> (rows: Int, columns: Int)? {
        guard showsBlockGrid, let grid = heatmap.blockGrid, grid.rows > 0, grid.columns > 0 else { return nil }
        return grid
    }

    /// Pooled indices repeated `scale` times, with a grid line (nil) at each block boundary that
    /// still falls between two screen pixels after pooling; no lines when blocks would be one pixel
    /// wide, or are one cell long along this axis (a 1×64 block grid has no lines between rows).
    private func gridded(count: Int, scale: Int, block: Int?, poolFactor: Int) -> [Int?] {
        var result: [Int?] = []
        result.reserveCapacity(count * scale)
        let linesWorthDrawing = block.map { $0 > 1 && $0 * scale >= 2 * poolFactor && $0 < count * poolFactor } ?? false
        for index in 0..<count {
            if linesWorthDrawing, let block, index > 0, (index * poolFactor) / block != ((index - 1) * poolFactor) / block {
                result.append(nil)
            }
            for _ in 0..<scale { result.append(index) }
        }
        return result
    }

    /// Groups pixel rows into display rows: two per character with half blocks, never across a grid line.
    private func pairRows(_ pixels: [Int?]) -> [(top: Int, bottom: Int?)?] {
        var rows: [(top: Int, bottom: Int?)?] = []
        var pending: Int?
        for pixel in pixels {
            guard let pixel else {
                if let top = pending { rows.append((top, nil)) }
                pending = nil
                rows.append(nil)
                continue
            }
            if !usesHalfBlocks {
                rows.append((pixel, nil))
            } else if let top = pending {
                rows.append((top, pixel))
                pending = nil
            } else {
                pending = pixel
            }
        }
        if let top = pending { rows.append((top, nil)) }
        return rows
    }
}
