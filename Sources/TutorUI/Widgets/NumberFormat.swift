import Foundation

/// Short number labels for axes and legends.
enum NumberFormat {
    /// Three significant digits, no trailing zeros: `0.0123`, `-1.5e-05`, `4096`.
    static func compact(_ value: Float) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        if value == 0 { return "0" }
        return String(format: "%.3g", Double(value))
    }

    /// Bytes in decimal units, the way GPU memory is sold and the lessons' tables count it:
    /// `512 B`, `3.50 GB` (a "24 GB" card holds 24e9 bytes).
    static func bytes(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        let units = ["B", "kB", "MB", "GB", "TB"]
        var scaled = value, unit = 0
        while abs(scaled) >= 1000, unit < units.count - 1 {
            scaled /= 1000
            unit += 1
        }
        return unit == 0 ? "\(Int(scaled)) B" : String(format: scaled < 10 ? "%.2f" : "%.1f", scaled) + " " + units[unit]
    }
}
