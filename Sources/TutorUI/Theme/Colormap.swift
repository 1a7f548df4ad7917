/// A map from a position in 0...1 to a colour, for heatmaps.
///
/// Each map also carries short ramps of basic ANSI colours for terminals with 16 or 8 colours:
/// matching viridis to the nearest of 16 colours would merge most of it into one or two entries,
/// so the ramps are chosen by hand to stay ordered and distinct.
public struct Colormap: Hashable {
    /// Colours at evenly spaced positions; values in between are interpolated.
    let stops: [RGB]
    let ansi16Ramp: [UInt8]
    let ansi8Ramp: [UInt8]

    /// Perceptually uniform and readable in grey: for magnitudes (|w|, |error|).
    public static let viridis = Colormap(
        stops: [
            RGB(68, 1, 84), RGB(72, 40, 120), RGB(62, 73, 137), RGB(49, 104, 142), RGB(38, 130, 142),
            RGB(31, 158, 137), RGB(53, 183, 121), RGB(110, 206, 88), RGB(253, 231, 37),
        ],
        ansi16Ramp: [5, 4, 12, 6, 14, 2, 10, 3, 11],
        ansi8Ramp: [5, 4, 6, 2, 3]
    )

    /// Blue below zero, near-white at zero, red above: for signed values such as quantization error.
    public static let diverging = Colormap(
        stops: [RGB(5, 48, 97), RGB(67, 147, 195), RGB(247, 247, 247), RGB(214, 96, 77), RGB(103, 0, 31)],
        ansi16Ramp: [4, 12, 7, 9, 1],
        ansi8Ramp: [4, 6, 7, 3, 1]
    )

    /// Blue below zero, mid grey at zero, red above, with no pale tints: for light pages, where a
    /// white zero would melt into the page and the matrix lose its edges, and for projectors,
    /// which wash pale pinks and blues out to white.
    public static let divergingHighContrast = Colormap(
        stops: [RGB(5, 48, 97), RGB(33, 102, 172), RGB(150, 150, 150), RGB(202, 0, 32), RGB(103, 0, 31)],
        ansi16Ramp: [4, 12, 8, 9, 1],
        ansi8Ramp: [4, 6, 0, 3, 1]
    )

    /// The colour at `t` in 0...1 (clamped).
    public func rgb(at t: Float) -> RGB {
        let position = max(0, min(1, t.isNaN ? 0 : t)) * Float(stops.count - 1)
        let lower = min(stops.count - 2, Int(position))
        return stops[lower].mixed(with: stops[lower + 1], position - Float(lower))
    }

    /// `count` terminal colours sampled evenly along the map for a colour depth (empty in monochrome).
    public func lookupTable(count: Int, depth: ColorDepth) -> [Color] {
        guard count > 0 else { return [] }
        func sample(_ i: Int) -> Float { count == 1 ? 0.5 : Float(i) / Float(count - 1) }
        switch depth {
        case .monochrome: return []
        case .xterm256: return (0..<count).map { .indexed(rgb(at: sample($0)).nearestXterm256) }
        case .ansi16, .ansi8:
            let ramp = depth == .ansi16 ? ansi16Ramp : ansi8Ramp
            return (0..<count).map { .indexed(ramp[min(ramp.count - 1, Int(sample($0) * Float(ramp.count)))]) }
        }
    }
}

extension Colormap: Sendable {}
