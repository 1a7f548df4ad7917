/// A colour as red, green and blue in 0...255, before it is matched to a terminal's palette.
public struct RGB: Hashable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// The colour a fraction `t` of the way from `self` to `other`.
    func mixed(with other: RGB, _ t: Float) -> RGB {
        func channel(_ a: UInt8, _ b: UInt8) -> UInt8 {
            let start = Float(a), end = Float(b)
            return UInt8((start + (end - start) * t).rounded())
        }
        return RGB(channel(red, other.red), channel(green, other.green), channel(blue, other.blue))
    }

    /// Squared distance in RGB space, enough to pick the nearest palette entry.
    func distanceSquared(to other: RGB) -> Int {
        let dr = Int(red) - Int(other.red), dg = Int(green) - Int(other.green), db = Int(blue) - Int(other.blue)
        return dr * dr + dg * dg + db * db
    }

    /// The nearest entry of xterm's 6×6×6 cube or grey ramp (indices 16–255).
    var nearestXterm256: UInt8 {
        let levels = [0, 95, 135, 175, 215, 255]
        func nearestLevel(_ value: UInt8) -> Int {
            levels.indices.min { abs(levels[$0] - Int(value)) < abs(levels[$1] - Int(value)) } ?? 0
        }
        let r = nearestLevel(red), g = nearestLevel(green), b = nearestLevel(blue)
        let cube = RGB(UInt8(levels[r]), UInt8(levels[g]), UInt8(levels[b]))
        let average = (Int(red) + Int(green) + Int(blue)) / 3
        let greyStep = min(23, max(0, (average - 8 + 5) / 10))
        let greyLevel = UInt8(8 + 10 * greyStep)
        let grey = RGB(greyLevel, greyLevel, greyLevel)
        return distanceSquared(to: grey) < distanceSquared(to: cube) ? UInt8(232 + greyStep) : UInt8(16 + 36 * r + 6 * g + b)
    }
}

extension RGB: Sendable {}
