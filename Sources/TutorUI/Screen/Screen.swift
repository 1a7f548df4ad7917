/// A grid of character cells that everything in the tutor draws into.
///
/// Widgets and views draw here, never to the terminal, so they can be tested by comparing lines;
/// the ncurses backend copies the cells that changed since the last frame. Every write is clipped:
/// drawing outside the grid, or into a screen of size 0, does nothing.
public struct Screen: Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int, fill: Cell = .blank) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: fill, count: self.width * self.height)
    }

    /// The whole screen as a rectangle.
    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    /// The cell at a column and row; a blank cell outside the grid.
    public subscript(x: Int, y: Int) -> Cell {
        get { contains(x: x, y: y) ? cells[y * width + x] : .blank }
        set { if contains(x: x, y: y) { cells[y * width + x] = newValue } }
    }

    public func contains(x: Int, y: Int) -> Bool { x >= 0 && y >= 0 && x < width && y < height }

    /// Fills a rectangle (clipped to the screen) with one cell.
    public mutating func fill(_ rect: Rect, with cell: Cell) {
        let x0 = max(0, rect.x), x1 = min(width, rect.maxX)
        let y0 = max(0, rect.y), y1 = min(height, rect.maxY)
        guard x0 < x1, y0 < y1 else { return }
        for y in y0..<y1 {
            let row = y * width
            for x in x0..<x1 { cells[row + x] = cell }
        }
    }

    /// Writes text from a column onwards, stopping at `limit` (exclusive column) or the screen's edge.
    ///
    /// Returns the column after the last character written. A wide character that would be cut
    /// in half at the limit is left out.
    @discardableResult
    public mutating func put(_ text: some StringProtocol, x: Int, y: Int, style: Style = .plain, limit: Int? = nil) -> Int {
        let end = min(width, limit ?? width)
        var column = x
        guard y >= 0, y < height else { return column }
        for scalar in text.unicodeScalars {
            let columns = scalar.terminalWidth
            if columns == 0 { continue }
            if column + columns > end { break }
            if column >= 0 {
                place(Cell(scalar, style: style), x: column, y: y)
                if columns == 2 { place(.continuation, x: column + 1, y: y) }
            }
            column += columns
        }
        return column
    }

    /// Sets one cell, keeping wide characters whole: overwriting either half of one blanks the other.
    mutating func place(_ cell: Cell, x: Int, y: Int) {
        guard contains(x: x, y: y) else { return }
        let index = y * width + x
        if cells[index].isContinuation, x > 0, !cell.isContinuation {
            cells[index - 1].character = " "
        }
        if x + 1 < width, cells[index + 1].isContinuation, cells[index].character.terminalWidth == 2 {
            cells[index + 1].character = " "
        }
        cells[index] = cell
    }

    /// Copies the rows of `source` starting at `sourceRow` into `rect`, clipped to both screens.
    public mutating func blit(_ source: Screen, fromRow sourceRow: Int, into rect: Rect) {
        let rows = min(rect.height, source.height - sourceRow)
        let columns = min(rect.width, source.width)
        guard rows > 0, columns > 0, sourceRow >= 0 else { return }
        for row in 0..<rows {
            for column in 0..<columns {
                self[rect.x + column, rect.y + row] = source[column, sourceRow + row]
            }
        }
    }

    /// The text of one row with trailing spaces removed.
    public func line(_ y: Int) -> String {
        guard y >= 0, y < height else { return "" }
        var scalars = String.UnicodeScalarView()
        for x in 0..<width where !self[x, y].isContinuation { scalars.append(self[x, y].character) }
        var text = String(scalars)
        while text.last == " " { text.removeLast() }
        return text
    }

    /// Every row's text, trailing spaces removed: what a test compares.
    public var lines: [String] { (0..<height).map(line) }
}

extension Screen: Sendable {}
