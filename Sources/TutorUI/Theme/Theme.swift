/// The styles every widget draws with, chosen once for a terminal's colour depth and a mode.
///
/// Widgets never name colours themselves; they ask the theme for a role. In monochrome the roles
/// fall back to attributes (bold, underline, reverse) and heatmaps to a density ramp.
public struct Theme: Hashable {
    public var depth: ColorDepth
    /// Light background instead of dark (`--light`).
    public var isLight: Bool
    /// High contrast, bigger headings and heatmap cells (`--projector`).
    public var isProjector: Bool

    public var base: Style
    public var text: Style
    public var heading: Style
    public var strong: Style
    public var emphasis: Style
    public var code: Style
    public var codeBlock: Style
    public var quote: Style
    public var link: Style
    public var dim: Style
    public var accent: Style
    public var selection: Style
    public var statusBar: Style
    public var success: Style
    public var failure: Style
    public var border: Style
    /// Colours for the lines of a chart, in order.
    public var seriesColors: [Color]

    public init(depth: ColorDepth, light: Bool = false, projector: Bool = false) {
        self.depth = depth
        isLight = light
        isProjector = projector
        let colored = depth > .monochrome
        /// A basic colour, or its dark twin on an eight-colour terminal.
        func basic(_ index: UInt8) -> Color {
            guard colored else { return .terminalDefault }
            return .indexed(depth == .ansi8 && index >= 8 ? index - 8 : index)
        }
        let foreground: Color, background: Color
        if projector || light {
            foreground = colored ? (light ? .black : .brightWhite) : .terminalDefault
            background = colored ? (light ? .brightWhite : .black) : .terminalDefault
        } else {
            foreground = .terminalDefault
            background = .terminalDefault
        }
        base = Style(foreground: foreground, background: background)
        text = base
        heading = Style(foreground: light ? basic(4) : basic(14), background: background, attributes: [.bold])
        strong = base.adding(.bold)
        emphasis = base.adding(colored ? [.italic] : [.underline])
        let codeBackground: Color = colored ? (light ? .indexed(depth == .xterm256 ? 254 : 7) : (depth == .xterm256 ? .indexed(236) : .black)) : .terminalDefault
        code = Style(foreground: light ? basic(1) : basic(11), background: background, attributes: colored ? [] : [.bold])
        codeBlock = Style(foreground: light ? .black : (colored ? .indexed(depth == .ansi8 ? 7 : 15) : .terminalDefault), background: codeBackground)
        quote = Style(foreground: light ? basic(8) : basic(7), background: background, attributes: [.italic])
        link = Style(foreground: basic(12), background: background, attributes: [.underline])
        dim = Style(foreground: colored ? basic(8) : .terminalDefault, background: background, attributes: colored && depth > .ansi8 ? [] : [.dim])
        accent = Style(foreground: light ? basic(5) : basic(13), background: background, attributes: [.bold])
        selection = colored ? Style(foreground: light ? .brightWhite : .black, background: basic(light ? 4 : 14), attributes: [.bold]) : Style(attributes: [.reverse, .bold])
        statusBar = colored ? Style(foreground: light ? .brightWhite : .black, background: light ? .black : .white) : Style(attributes: [.reverse])
        success = Style(foreground: basic(light ? 2 : 10), background: background, attributes: [.bold])
        failure = Style(foreground: basic(light ? 1 : 9), background: background, attributes: [.bold])
        border = Style(foreground: colored ? basic(8) : .terminalDefault, background: background)
        seriesColors = colored ? [basic(11), basic(14), basic(13), basic(10), basic(9), basic(12)].map { light && $0 == basic(11) ? basic(3) : $0 } : [.terminalDefault]
        if depth == .ansi8, !light { dim.foreground = basic(7) }
    }
}

extension Theme: Sendable {}
