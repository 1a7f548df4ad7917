import Foundation
import QLoRAEngine

/// The `dynamic-map` section: bitsandbytes' signed 8-bit dynamic map, the codebook double
/// quantization stores the absmax constants with, decade by decade, and one value rounded to it.
public struct DynamicMapSection: LessonSection {
    public init() {}

    public var name: String { "dynamic-map" }
    public var summary: String { "bitsandbytes' 8-bit dynamic map for the absmax constants: its levels decade by decade, and one value rounded to it." }

    public var parameters: [ParameterSpec] {
        [
            ParameterSpec(
                name: "value", summary: "a constant after centring and division by its block's absmax, in [-1, 1], to round to the map",
                domain: .range(-1...1, step: nil), defaultValue: .number(0.3)),
        ]
    }

    /// What the `dynamic-map` section can show.
    public enum OutputKey: String, SectionOutputKey {
        case decades, rounding

        public var summary: String {
            switch self {
            case .decades: "the positive levels decade by decade: how many, the smallest and largest, and the step between neighbours"
            case .rounding: "`value`, the level it rounds to, and the error"
            }
        }
    }

    /// The numbers the `dynamic-map` section reads off the engine's map.
    public enum ResultKey: String, SectionResultKey {
        case levels
        case positiveLevels = "positive_levels"
        case negativeLevels = "negative_levels"
        case smallestPositive = "smallest_positive"
        case topDecadeLevels = "top_decade_levels"
        case topDecadeStep = "top_decade_step"
        case stored
        case roundingError = "rounding_error"
        case relativeError = "relative_error"

        public var name: String { rawValue }

        public var summary: String {
            switch self {
            case .levels: "number of distinct values in the map"
            case .positiveLevels: "values above 0"
            case .negativeLevels: "values below 0"
            case .smallestPositive: "the smallest value above 0"
            case .topDecadeLevels: "values in [0.1, 1)"
            case .topDecadeStep: "the largest step between neighbouring values in [0.1, 1)"
            case .stored: "the level of the map stored for `value`: the one its lookup slot holds, as bitsandbytes codes it"
            case .roundingError: "|stored - value|"
            case .relativeError: "|stored - value| / |value| (0 when `value` is 0)"
            }
        }
    }

    public func run(
        _ parameters: ParameterValues, request: SectionRequest<Self>, progress: (SectionProgress) -> Void, isCancelled: () -> Bool
    ) throws -> SectionRun<Self> {
        try checkCancellation(isCancelled)
        let map = DoubleQuantizedAbsmax.dynamicMap.map(Double.init).sorted()
        let value = Double(Float(try parameters.number("value")))
        // The level double quantization stores for this constant, looked up as the quantizer looks it up.
        let stored = Double(DoubleQuantizedAbsmax.storedLevel(ofScaled: Float(value)))
        let error = abs(stored - value)
        let positive = map.filter { $0 > 0 }
        let decades = Dictionary(grouping: positive) { Int(log10($0).rounded(.down)) }
        let top = decades[-1] ?? []

        var run = SectionRun<Self>()
        run.results = [
            .levels: Double(Set(map).count),
            .positiveLevels: Double(positive.count),
            .negativeLevels: Double(map.filter { $0 < 0 }.count),
            .smallestPositive: positive.first ?? 0,
            .topDecadeLevels: Double(top.count),
            .topDecadeStep: Self.largestStep(top),
            .stored: stored,
            .roundingError: error,
            .relativeError: value == 0 ? 0 : error / abs(value),
        ]
        if request.wants(.decades) {
            let rows = decades.keys.sorted().map { exponent -> [String] in
                let levels = decades[exponent] ?? []
                return [
                    "[1e\(exponent), 1e\(exponent + 1))", String(levels.count),
                    NumberFormat.significant(levels.first ?? 0, digits: 4), NumberFormat.significant(levels.last ?? 0, digits: 4),
                    levels.count > 1 ? NumberFormat.significant(Self.largestStep(levels), digits: 3) : "-",
                ]
            }
            run.outputs[.decades] = [.table(OutputTable(
                title: "Dynamic map: \(map.count) values, the positive ones by decade (the negative ones mirror them)",
                headers: ["decade", "levels", "smallest", "largest", "step"],
                alignments: [.left, .right, .right, .right, .right], rows: rows))]
        }
        if request.wants(.rounding) {
            run.outputs[.rounding] = [.table(OutputTable(
                title: "\(NumberFormat.significant(value, digits: 6)) rounded to the dynamic map",
                headers: ["value", "stored level", "error", "relative error"],
                alignments: [.right, .right, .right, .right],
                rows: [[
                    NumberFormat.significant(value, digits: 6), NumberFormat.significant(stored, digits: 6), NumberFormat.scientific(error),
                    value == 0 ? "-" : NumberFormat.percent(100 * error / abs(value), digits: 3),
                ]]))]
        }
        return run
    }

    /// The largest gap between neighbours of ascending `levels`; 0 for fewer than two.
    private static func largestStep(_ levels: [Double]) -> Double {
        zip(levels.dropFirst(), levels).map { $0 - $1 }.max() ?? 0
    }
}
