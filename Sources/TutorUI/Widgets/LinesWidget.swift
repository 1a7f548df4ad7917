/// Styled lines, each wrapped to the width.
public struct LinesWidget: LineWidget {
    public var lines: [StyledLine]

    public init(_ lines: [StyledLine]) {
        self.lines = lines
    }

    /// Every line wrapped to `width` columns, in order.
    public func lines(width: Int) -> [StyledLine] { lines.flatMap { $0.wrapped(width: width) } }
}
