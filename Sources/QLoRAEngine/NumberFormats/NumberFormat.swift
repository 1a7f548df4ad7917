import Foundation

/// How every layer writes numbers and byte counts: the engine's commands, the lessons' tables,
/// the expectation lines and the terminal views, so the same value reads the same everywhere.
///
/// Memory is counted in decimal units (10^9 bytes to a GB; `GPUFit` says why a card sold as
/// 24 GB is still compared at 24 of them) wherever a unit says `GB`/`MB`/`kB`; the binary `GiB`/`MiB`/`KiB` of `binaryBytes` are spelt so.
/// Non-finite values read `nan`, `inf` and `-inf` in every form.
public enum NumberFormat {
    /// `digits` significant digits, the way reports show a measured number: `4.5`, `1.23457e-05`.
    public static func significant(_ value: Double, digits: Int = 6) -> String {
        nonFinite(value) ?? String(format: "%.\(digits)g", value)
    }

    /// A result as expectation lines and checks print it: a whole number with thousands
    /// separators, as the tables beside it print counts (`4,194,304`), anything else with six
    /// significant digits.
    public static func result(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return count(Int(value)) }
        return significant(value)
    }

    /// A plain number with up to `digits` decimals and no trailing zeros: `4.5`, `16`, `0.125`.
    public static func decimal(_ value: Double, digits: Int = 4) -> String {
        if let text = nonFinite(value) { return text }
        var text = String(format: "%.\(digits)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// Scientific notation with four significant digits: `6.550e+04`; zero is `0`.
    public static func scientific(_ value: Double) -> String {
        if let text = nonFinite(value) { return text }
        return value == 0 ? "0" : String(format: "%.3e", value)
    }

    /// A whole number below a million as it is (`65504`), anything else in scientific notation.
    public static func magnitude(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e6 ? decimal(value) : scientific(value)
    }

    /// A percentage with up to `digits` decimals and no trailing zeros: `87.5%`.
    public static func percent(_ value: Double, digits: Int = 2) -> String {
        decimal(value, digits: digits) + "%"
    }

    /// An integer with a comma every three digits: `6,738,415,616`.
    public static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return value < 0 ? "-" + grouped : grouped
    }

    /// Bytes as decimal gigabytes (10^9 bytes) with two decimals: `13.48 GB`.
    public static func gigabytes(_ bytes: Double) -> String {
        String(format: "%.2f GB", bytes / 1e9)
    }

    /// Bytes in the largest decimal unit that keeps the number at least 1, counted exactly below
    /// a megabyte: `131,072 B`, `4.19 MB`, `13.48 GB`.
    public static func bytes(_ bytes: Double) -> String {
        if bytes >= 1e9 { return gigabytes(bytes) }
        if bytes >= 1e6 { return String(format: "%.2f MB", bytes / 1e6) }
        return count(Int(bytes)) + " B"
    }

    /// Bytes short enough to sit beside a bar, in decimal units with three significant digits:
    /// `512 B`, `3.50 GB`, `24.0 GB`.
    public static func shortBytes(_ bytes: Double) -> String {
        if let text = nonFinite(bytes) { return text }
        let (value, unit) = decimalUnit(bytes)
        return unit == "B" ? "\(Int(value)) B" : String(format: value < 10 ? "%.2f" : "%.1f", value) + " " + unit
    }

    /// `bytes` scaled by 1000 until it is below 1000 or the unit is TB, with its unit
    /// (`B`, `kB`, `MB`, `GB` or `TB`), for a view that picks its own digits.
    public static func decimalUnit(_ bytes: Double) -> (value: Double, unit: String) {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var scaled = bytes
        var unit = 0
        while abs(scaled) >= 1000, unit < units.count - 1 {
            scaled /= 1000
            unit += 1
        }
        return (scaled, units[unit])
    }

    /// A byte count exactly, with separators, and in binary KiB/MiB/GiB as PyTorch and `ls -h`
    /// count when that is easier to read: `1.50 MiB (1,572,864 B)`.
    public static func binaryBytes(_ bytes: Int) -> String {
        let exact = count(bytes) + " B"
        let units = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")]
        guard let (size, unit) = units.first(where: { bytes >= $0.0 }) else { return exact }
        return String(format: "%.2f", Double(bytes) / Double(size)) + " \(unit) (\(exact))"
    }

    /// Three significant digits and no trailing zeros, for axis labels and legends: `0.0123`,
    /// `-1.5e-05`, `4096`.
    public static func compact(_ value: Float) -> String {
        if let text = nonFinite(Double(value)) { return text }
        return value == 0 ? "0" : String(format: "%.3g", Double(value))
    }

    /// A tensor's shape as PyTorch prints it inside brackets: `[4096, 11008]`.
    public static func shape(_ shape: [Int]) -> String {
        "[" + shape.map(String.init).joined(separator: ", ") + "]"
    }

    /// `nan`, `inf` or `-inf` for a value that is not finite; nil for a finite one.
    private static func nonFinite(_ value: Double) -> String? {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        return nil
    }
}
