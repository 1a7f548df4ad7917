/// One character cell of a screen: a character, its colours and attributes.
///
/// A character two columns wide (CJK, most emoji) sits in its first cell; the cell to its right
/// holds `Cell.continuation` so that column counts stay exact.
public struct Cell: Hashable {
    public var character: Unicode.Scalar
    public var foreground: Color
    public var background: Color
    public var attributes: TextAttributes

    public init(_ character: Unicode.Scalar = " ", style: Style = .plain) {
        self.character = character
        self.foreground = style.foreground
        self.background = style.background
        self.attributes = style.attributes
    }

    /// The colours and attributes of this cell.
    public var style: Style { Style(foreground: foreground, background: background, attributes: attributes) }

    /// The right half of a wide character: nothing of its own is drawn there.
    public static let continuation = Cell("\u{0}")

    /// A blank cell in the terminal's default colours.
    public static let blank = Cell()

    /// Whether this is the right half of a wide character.
    public var isContinuation: Bool { character == "\u{0}" }
}

extension Cell: Sendable {}
