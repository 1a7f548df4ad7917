extension Screen {
    /// The indices of the cells to send to the terminal to turn `previous` into this screen:
    /// every cell when there is no previous screen or its size differs, otherwise only the cells
    /// that differ. A changed right half of a wide character sends its left half, which draws both.
    public func changedCells(since previous: Screen?) -> [Int] {
        guard let previous, previous.width == width, previous.height == height else {
            return cells.indices.filter { !cells[$0].isContinuation }
        }
        var changed: [Int] = []
        for index in cells.indices where cells[index] != previous.cells[index] {
            if cells[index].isContinuation {
                if index > 0, changed.last != index - 1 { changed.append(index - 1) }
            } else {
                changed.append(index)
            }
        }
        return changed
    }
}
