/// Plain text wrapped to the width, line breaks kept.
public struct TextWidget: Widget {
    public var text: String
    public var style: Style

    public init(text: String, theme: Theme) {
        self.text = text
        style = theme.text
    }

    func lines(width: Int) -> [StyledLine] {
        text.split(separator: "\n", omittingEmptySubsequences: false).flatMap {
            StyledLine(String($0), style: style).wrapped(width: width)
        }
    }

    public func height(forWidth width: Int) -> Int { lines(width: width).count }

    public func draw(in rect: Rect, on screen: inout Screen) {
        for (row, line) in lines(width: rect.width).prefix(rect.height).enumerated() {
            line.draw(x: rect.x, y: rect.y + row, limit: rect.maxX, on: &screen)
        }
    }
}
