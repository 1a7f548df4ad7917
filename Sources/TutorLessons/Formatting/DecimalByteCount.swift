/// A byte count in the largest decimal unit that keeps it at least 1, the way GPU memory is sold and
/// the lessons' tables count it: a "24 GB" card holds 24e9 bytes, not 24 x 2^30.
///
/// Views that show a memory breakdown pick the unit here and choose their own number of digits.
public struct DecimalByteCount: Equatable, Sendable {
    /// The count in `unit`s: `2.5` for 2,500 bytes.
    public var value: Double
    /// `B`, `kB`, `MB`, `GB` or `TB`.
    public var unit: String

    private static let units = ["B", "kB", "MB", "GB", "TB"]

    /// `bytes` scaled down by 1000 until it is below 1000 or the unit is TB.
    public init(_ bytes: Double) {
        var scaled = bytes
        var unit = 0
        while abs(scaled) >= 1000, unit < Self.units.count - 1 {
            scaled /= 1000
            unit += 1
        }
        value = scaled
        self.unit = Self.units[unit]
    }

    /// Whether the count stayed in bytes, below 1000.
    public var isBytes: Bool { unit == Self.units[0] }
}
