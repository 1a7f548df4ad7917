import Foundation

/// Short number labels for axes and legends.
enum NumberFormat {
    /// Three significant digits, no trailing zeros: `0.0123`, `-1.5e-05`, `4096`.
    static func compact(_ value: Float) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        if value == 0 { return "0" }
        return String(format: "%.3g", Double(value))
    }

    /// Bytes in binary units: `512 B`, `3.5 GiB`.
    static func bytes(_ value: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var scaled = value, unit = 0
        while abs(scaled) >= 1024, unit < units.count - 1 {
            scaled /= 1024
            unit += 1
        }
        return unit == 0 ? "\(Int(scaled)) B" : String(format: scaled < 10 ? "%.2f" : "%.1f", scaled) + " " + units[unit]
    }
}
