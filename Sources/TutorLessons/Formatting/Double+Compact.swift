import Foundation

extension Double {
    /// Six significant digits, the way reports and tables show a measured number: `4.5`, `1.23457e-05`.
    var compact: String {
        if isNaN { return "nan" }
        if isInfinite { return self > 0 ? "inf" : "-inf" }
        return String(format: "%.6g", self)
    }
}
