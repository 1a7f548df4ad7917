import Foundation
import TutorLessons

/// Short number labels for axes and legends.
enum NumberFormat {
    /// Three significant digits, no trailing zeros: `0.0123`, `-1.5e-05`, `4096`.
    static func compact(_ value: Float) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        if value == 0 { return "0" }
        return String(format: "%.3g", Double(value))
    }

    /// Bytes in decimal units with three significant digits, short enough to sit beside a bar:
    /// `512 B`, `3.50 GB`, `24.0 GB`.
    static func bytes(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        let scaled = DecimalByteCount(value)
        return scaled.isBytes
            ? "\(Int(scaled.value)) B" : String(format: scaled.value < 10 ? "%.2f" : "%.1f", scaled.value) + " " + scaled.unit
    }
}
