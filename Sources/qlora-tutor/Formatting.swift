/// How the engine commands draw what is not a number (numbers and sizes: `NumberFormat`).
enum Formatting {
    /// A horizontal bar `fraction` of `width` cells long, drawn in eighths of a cell.
    static func bar(_ fraction: Double, width: Int) -> String {
        let eighths = Int((max(0, min(1, fraction)) * Double(width * 8)).rounded())
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"][eighths % 8]
        return String(repeating: "█", count: eighths / 8) + partial
    }
}
