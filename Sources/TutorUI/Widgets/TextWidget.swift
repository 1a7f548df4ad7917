/// Plain text wrapped to the width, line breaks kept.
public struct TextWidget: LineWidget {
    public var text: String
    public var style: Style

    public init(text: String, theme: Theme) {
        self.text = text
        style = theme.text
    }

    public func lines(width: Int) -> [StyledLine] {
        text.split(separator: "\n", omittingEmptySubsequences: false).flatMap {
            StyledLine(String($0), style: style).wrapped(width: width)
        }
    }
}
