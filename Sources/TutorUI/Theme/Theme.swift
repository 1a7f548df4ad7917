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
        /// A basic colour (0–15), its dark twin on an eight-colour terminal, the default without colour.
        func basic(_ index: UInt8) -> Color {
            guard colored else { return .terminalDefault }
            return .indexed(depth == .ansi8 && index >= 8 ? index - 8 : index)
        }
        /// An entry of the 256-colour palette, or a basic colour on smaller palettes.
        func extended(_ index: UInt8, else fallback: UInt8) -> Color { depth == .xterm256 ? .indexed(index) : basic(fallback) }
        // The projector and the light theme paint their own background for contrast; otherwise
        // the terminal's own colours are kept.
        let paintsBackground = projector || light
        let foreground = paintsBackground ? basic(light ? 0 : 15) : .terminalDefault
        let background = paintsBackground ? basic(light ? 15 : 0) : .terminalDefault
        func on(_ color: Color, _ attributes: TextAttributes = []) -> Style { Style(foreground: color, background: background, attributes: attributes) }

        base = Style(foreground: foreground, background: background)
        text = base
        heading = on(basic(light ? 4 : 14), [.bold])
        strong = base.adding(.bold)
        emphasis = base.adding(colored ? [.italic] : [.underline])
        // On a light page red would read as a failure beside a ✓: brown there, yellow on dark.
        code = on(light ? extended(130, else: 5) : basic(11), colored ? [] : [.bold])
        codeBlock = Style(
            foreground: basic(light ? 0 : 15),
            background: light ? extended(254, else: 7) : extended(236, else: 0))
        quote = on(basic(light ? 8 : 7), [.italic])
        link = on(basic(light ? 4 : 12), [.underline])
        dim = on(basic(depth == .ansi8 ? (light ? 0 : 7) : 8), depth > .ansi8 ? [] : [.dim])
        accent = on(basic(light ? 5 : 13), [.bold])
        selection = colored
            ? Style(foreground: basic(light ? 15 : 0), background: basic(light ? 4 : 14), attributes: [.bold])
            : Style(attributes: [.reverse, .bold])
        statusBar = colored ? Style(foreground: basic(light ? 15 : 0), background: basic(light ? 0 : 7)) : Style(attributes: [.reverse])
        success = on(basic(light ? 2 : 10), [.bold])
        failure = on(basic(light ? 1 : 9), [.bold])
        border = on(basic(8))
        // Bright yellow, cyan and green wash out on a white page: a light page gets the dark basics.
        seriesColors = colored ? (light ? [4, 5, 2, 1, 6, 3] : [11, 14, 13, 10, 9, 12]).map(basic) : [.terminalDefault]
    }
}

extension Theme: Sendable {}
