import Foundation

/// How sections write numbers into table cells, so every lesson formats alike.
enum SectionFormat {
    /// A plain number with up to `digits` decimals and no trailing zeros: `4.5`, `16`, `0.125`.
    static func number(_ value: Double, digits: Int = 4) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        var text = String(format: "%.\(digits)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// A value in scientific notation with four significant digits: `6.550e+04`.
    static func scientific(_ value: Double) -> String {
        guard value.isFinite else { return number(value) }
        return value == 0 ? "0" : String(format: "%.3e", value)
    }

    /// A whole number below a million as it is (`65504`), anything else in scientific notation.
    static func magnitude(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e6 ? number(value) : scientific(value)
    }

    /// A value with up to eight significant digits, as a float32 would print it.
    static func significant(_ value: Double) -> String {
        guard value.isFinite else { return number(value) }
        return String(format: "%.8g", value)
    }

    /// A percentage with `digits` decimals and no trailing zeros: `87.5%`.
    static func percent(_ value: Double, digits: Int = 2) -> String {
        number(value, digits: digits) + "%"
    }

    /// Bytes as GB (10^9 bytes) with two decimals: `13.48 GB`.
    static func gigabytes(_ bytes: Double) -> String { bytes.formattedAsGigabytes }

    /// Bytes in the largest unit that keeps the number at least 1: `131,072 B` stays in bytes below 1 MB.
    static func bytes(_ bytes: Double) -> String {
        if bytes >= 1e9 { return gigabytes(bytes) }
        if bytes >= 1e6 { return String(format: "%.2f MB", bytes / 1e6) }
        return count(Int(bytes)) + " B"
    }

    /// An integer with thousands separators: `6,738,415,616`.
    static func count(_ value: Int) -> String { value.withThousandsSeparators }
}
