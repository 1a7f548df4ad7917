import Foundation

extension Double {
    /// These bytes as decimal gigabytes (10^9 bytes, as GPU memory is sold) with two decimals: `13.48 GB`.
    public var formattedAsGigabytes: String { String(format: "%.2f GB", self / 1e9) }
}

extension Int {
    /// These bytes as decimal gigabytes with two decimals: `13.48 GB`.
    public var formattedAsGigabytes: String { Double(self).formattedAsGigabytes }
}
