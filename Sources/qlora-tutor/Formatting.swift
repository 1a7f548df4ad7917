import QLoRAEngine
import Foundation
import TutorLessons

/// How the engine commands spell shapes, sizes and measured numbers.
enum Formatting {
    /// A shape as PyTorch prints it inside brackets: `[4096, 11008]`.
    static func shape(_ shape: [Int]) -> String {
        "[" + shape.map(String.init).joined(separator: ", ") + "]"
    }

    /// A byte count with thousands separators, and in KiB/MiB/GiB when that is easier to read.
    static func bytes(_ count: Int) -> String {
        let exact = NumberFormat.count(count) + " B"
        let units = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")]
        guard let (size, unit) = units.first(where: { count >= $0.0 }) else { return exact }
        return String(format: "%.2f", Double(count) / Double(size)) + " \(unit) (\(exact))"
    }

    /// A measured value with six significant digits: `0.000123457`, `-2.31`, `4.5e+08`.
    static func number(_ value: Double) -> String {
        String(format: "%.6g", value)
    }

    /// A horizontal bar `fraction` of `width` cells long, drawn in eighths of a cell.
    static func bar(_ fraction: Double, width: Int) -> String {
        let eighths = Int((max(0, min(1, fraction)) * Double(width * 8)).rounded())
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"][eighths % 8]
        return String(repeating: "█", count: eighths / 8) + partial
    }
}
