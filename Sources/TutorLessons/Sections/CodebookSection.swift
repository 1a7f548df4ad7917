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

    /// What the `codebook` section can show.
    public enum OutputKey: String, SectionOutputKey {
        case levels, histogram

        public var summary: String {
            switch self {
            case .levels: "table of the codes, their bits and their values (and the values rebuilt from quantiles, for NF4)"
            case .histogram: "the levels marked on [-1, 1], one bin per 1/32, so each level stands alone"
            }
        }
    }

    /// The numbers the `codebook` section reads off the engine's codebook.
    public enum ResultKey: String, SectionResultKey {
        case levels
        case zeroCode = "zero_code"
        case positiveLevels = "positive_levels"
        case negativeLevels = "negative_levels"
        case smallestGap = "smallest_gap"
        case largestGap = "largest_gap"
        case maxRebuildDifference = "max_rebuild_difference"

        public var name: String { rawValue }

        public var summary: String {
            switch self {
            case .levels: "number of distinct levels"
            case .zeroCode: "the code whose value is exactly 0 (-1 if none)"
            case .positiveLevels: "levels above 0"
            case .negativeLevels: "levels below 0"
            case .smallestGap: "smallest distance between neighbouring levels"
            case .largestGap: "largest distance between neighbouring levels"
            case .maxRebuildDifference: "NF4: largest |codebook - levels rebuilt from quantiles at `offset`| (NF4 only)"
            }
        }
    }

    public func declaredResults(for parameters: ParameterValues) throws -> Set<ResultKey> {
        // Only NF4 is built from quantiles; FP4 has nothing to rebuild.
        let type = try parameters.choice("type", as: FourBitType.self)
        return Set(ResultKey.allCases).subtracting(type == .nf4 ? [] : [.maxRebuildDifference])
    }

    public func run(
        _ parameters: ParameterValues, request: SectionRequest<Self>, progress: (SectionProgress) -> Void, isCancelled: () -> Bool
    ) throws -> SectionRun<Self> {
        try checkCancellation(isCancelled)
        let type = try parameters.choice("type", as: FourBitType.self)
        let codebook = type.codebook
        let rebuilt = type == .nf4 ? NF4.fromNormalQuantiles(outermostProbability: Float(try parameters.number("offset"))) : nil
        let sorted = codebook.sorted()
        let gaps = zip(sorted.dropFirst(), sorted).map { Double($0 - $1) }

        var run = SectionRun<Self>()
        run.results = [
            .levels: Double(Set(codebook).count),
            .zeroCode: Double(codebook.firstIndex(of: 0) ?? -1),
            .positiveLevels: Double(codebook.filter { $0 > 0 }.count),
            .negativeLevels: Double(codebook.filter { $0 < 0 }.count),
            .smallestGap: gaps.min() ?? 0,
            .largestGap: gaps.max() ?? 0,
        ]
        if let rebuilt {
            run.results[.maxRebuildDifference] = zip(codebook, rebuilt).reduce(0.0) { max($0, Double(abs($1.0 - $1.1))) }
        }
        if request.wants(.levels) {
            var headers = ["code", "bits", "value"]
            if rebuilt != nil { headers.append("from quantiles") }
            let rows = codebook.indices.map { code -> [String] in
                let bits = String(code, radix: 2)
                var row = [String(code), String(repeating: "0", count: 4 - bits.count) + bits, NumberFormat.significant(Double(codebook[code]))]
                if let rebuilt { row.append(NumberFormat.significant(Double(rebuilt[code]))) }
                return row
            }
            run.outputs[.levels] = [.table(OutputTable(
                title: "\(type.rawValue.uppercased()) codebook", headers: headers,
                alignments: headers.map { _ in .right }, rows: rows))]
        }
        if request.wants(.histogram) {
            // Narrow bins, so the levels show as separate spikes, crowded where the codebook is dense.
            let binCount = 64
            var counts = [Int](repeating: 0, count: binCount)
            for level in codebook {
                let bin = Int(((level + 1) / 2 * Float(binCount)).rounded(.down))
                counts[min(max(bin, 0), binCount - 1)] += 1
            }
            run.outputs[.histogram] = [.histogram(Histogram(
                title: "\(type.rawValue.uppercased()) levels on [-1, 1]", range: -1...1, counts: counts, markers: sorted))]
        }
        return run
    }
}
