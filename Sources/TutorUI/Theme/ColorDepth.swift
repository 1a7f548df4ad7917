/// How many colours a terminal can show, from best to worst; the fallback ladder.
public enum ColorDepth: Int, Comparable, CaseIterable {
    /// No colour at all (`NO_COLOR`, a monochrome terminal): heatmaps become a density ramp.
    case monochrome
    /// The eight basic ANSI colours.
    case ansi8
    /// The eight basic colours and their bright versions.
    case ansi16
    /// xterm's 256-colour palette.
    case xterm256

    public static func < (lhs: ColorDepth, rhs: ColorDepth) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The depth for a terminal reporting `colors` colours, honouring `NO_COLOR` (https://no-color.org).
    public static func forTerminal(colors: Int, environment: [String: String]) -> ColorDepth {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .monochrome }
        switch colors {
        case 256...: return .xterm256
        case 16..<256: return .ansi16
        case 8..<16: return .ansi8
        default: return .monochrome
        }
    }
}

extension ColorDepth: Sendable {}
