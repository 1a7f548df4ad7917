/// Something that draws itself into a rectangle of a `Screen`.
///
/// Widgets are values built from the data they show and a `Theme`; they never touch the terminal.
public protocol Widget {
    /// The rows the widget wants when given `width` columns.
    func height(forWidth width: Int) -> Int
    /// Draws into `rect`, clipped to it; a rectangle too small for anything draws what fits or nothing.
    func draw(in rect: Rect, on screen: inout Screen)
}
