import QLoRAEngine

/// The `codebook` section: the 16 values a 4-bit code stands for, and where NF4's come from.
public struct CodebookSection: LessonSection {
    public init() {}

    public var name: String { "codebook" }
    public var summary: String { "The 16 levels of NF4 or FP4, and NF4 rebuilt from normal quantiles." }

    public var parameters: [ParameterSpec] {
        [
            ParameterSpec(name: "type", summary: "`nf4` or `fp4`", domain: .choices(FourBitType.allCases.map(\.rawValue)), defaultValue: .word("nf4")),
            ParameterSpec(
                name: "offset", summary: "outermost probability for rebuilding NF4 from quantiles (bitsandbytes uses 0.9677083)",
                domain: .range(0.75...0.999, step: nil), defaultValue: .number(Double(NF4.outermostProbability))),
        ]
    }

    public var outputs: [(name: String, summary: String)] {
        [
            ("levels", "table of the codes, their bits and their values (and the values rebuilt from quantiles, for NF4)"),
            ("histogram", "the levels marked on [-1, 1], one bin per 1/32, so each level stands alone"),
        ]
    }

    public var results: [(name: String, summary: String)] {
        [
            ("levels", "number of distinct levels"),
            ("zero_code", "the code whose value is exactly 0 (-1 if none)"),
            ("positive_levels", "levels above 0"),
            ("negative_levels", "levels below 0"),
            ("smallest_gap", "smallest distance between neighbouring levels"),
            ("largest_gap", "largest distance between neighbouring levels"),
            ("max_rebuild_difference", "NF4: largest |codebook - levels rebuilt from quantiles at `offset`|; FP4: 0"),
        ]
    }

    public func run(_ parameters: ParameterValues) throws -> SectionResult {
        let type = FourBitType(rawValue: parameters.word("type")) ?? .nf4
        let codebook = type.codebook
        let rebuilt = type == .nf4 ? NF4.fromNormalQuantiles(outermostProbability: Float(parameters.number("offset"))) : codebook
        let sorted = codebook.sorted()
        let gaps = zip(sorted.dropFirst(), sorted).map { Double($0 - $1) }
        let difference = zip(codebook, rebuilt).reduce(0.0) { max($0, Double(abs($1.0 - $1.1))) }

        let results: [String: Double] = [
            "levels": Double(Set(codebook).count),
            "zero_code": Double(codebook.firstIndex(of: 0) ?? -1),
            "positive_levels": Double(codebook.filter { $0 > 0 }.count),
            "negative_levels": Double(codebook.filter { $0 < 0 }.count),
            "smallest_gap": gaps.min() ?? 0,
            "largest_gap": gaps.max() ?? 0,
            "max_rebuild_difference": difference,
        ]
        var headers = ["code", "bits", "value"]
        if type == .nf4 { headers.append("from quantiles") }
        let rows = codebook.indices.map { code -> [String] in
            let bits = String(code, radix: 2)
            var row = [String(code), String(repeating: "0", count: 4 - bits.count) + bits, Double(codebook[code]).compact]
            if type == .nf4 { row.append(Double(rebuilt[code]).compact) }
            return row
        }
        let table = OutputTable(
            title: "\(type.rawValue.uppercased()) codebook", headers: headers,
            alignments: headers.map { _ in .right }, rows: rows)
        // Narrow bins, so the levels show as separate spikes, crowded where the codebook is dense.
        let binCount = 64
        var counts = [Int](repeating: 0, count: binCount)
        for level in codebook {
            let bin = Int(((level + 1) / 2 * Float(binCount)).rounded(.down))
            counts[min(max(bin, 0), binCount - 1)] += 1
        }
        let histogram = Histogram(title: "\(type.rawValue.uppercased()) levels on [-1, 1]", range: -1...1, counts: counts, markers: sorted)
        return SectionResult(outputs: ["levels": [.table(table)], "histogram": [.histogram(histogram)]], results: results)
    }
}
