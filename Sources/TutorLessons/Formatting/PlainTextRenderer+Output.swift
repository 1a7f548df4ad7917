import QLoRAEngine

extension PlainTextRenderer {
    /// An output as plain text lines.
    public func render(_ output: Output) -> [String] {
        switch output {
        case .text(let text):
            // Each line keeps its leading spaces, and wraps under them: code stays indented.
            return text.split(separator: "\n", omittingEmptySubsequences: false).flatMap { line in
                let indent = String(line.prefix { $0 == " " })
                return wrap(String(line.dropFirst(indent.count)), indent: indent)
            }
        case .table(let table):
            return self.table(title: table.title, headers: table.headers, alignments: table.alignments, rows: table.rows)
        case .heatmap(let heatmap):
            return render(heatmap)
        case .heatmaps(let heatmaps):
            return heatmaps.enumerated().flatMap { index, heatmap in (index == 0 ? [] : [""]) + render(heatmap) }
        case .histogram(let histogram):
            return render(histogram)
        case .series(let series):
            return render(series)
        case .memory(let memory):
            return render(memory)
        }
    }

    /// The ramp for magnitudes, from zero to the maximum.
    static let magnitudeRamp = Array(" .:-=+*#%@")

    private func render(_ heatmap: Heatmap) -> [String] {
        let pooled = Self.maxPooled(heatmap, maxRows: 32, maxColumns: min(64, width))
        var lines = ["\(heatmap.title)  (\(heatmap.rows) x \(heatmap.columns)\(pooled.factor > 1 ? ", each character the largest of \(pooled.factor) x \(pooled.factor)" : ""))"]
        switch heatmap.scale {
        case .magnitude(let maximum):
            lines.append("scale: ' ' = 0 ... '@' = \(NumberFormat.significant(Double(maximum)))")
        case .signed(let limit):
            lines.append("scale: '.' near 0; + * @ above, - = # below, up to ±\(NumberFormat.significant(Double(limit)))")
        }
        for row in 0..<pooled.rows {
            var line = ""
            for column in 0..<pooled.columns {
                line.append(Self.symbol(pooled.values[row * pooled.columns + column], scale: heatmap.scale))
            }
            lines.append("|" + line + "|")
        }
        return lines
    }

    private static func symbol(_ value: Float, scale: Heatmap.Scale) -> Character {
        switch scale {
        case .magnitude(let maximum):
            guard maximum > 0, value.isFinite else { return " " }
            let fraction = min(max(value / maximum, 0), 1)
            let index = Int((fraction * Float(magnitudeRamp.count - 1)).rounded())
            return magnitudeRamp[min(max(index, 0), magnitudeRamp.count - 1)]
        case .signed(let limit):
            guard limit > 0, value.isFinite else { return "." }
            let fraction = min(abs(value) / limit, 1)
            if fraction < 0.125 { return "." }
            let level = fraction < 0.4 ? 0 : fraction < 0.75 ? 1 : 2
            return value > 0 ? Array("+*@")[level] : Array("-=#")[level]
        }
    }

    /// The heatmap max-pooled by the smallest whole factor that makes it fit.
    static func maxPooled(_ heatmap: Heatmap, maxRows: Int, maxColumns: Int) -> (rows: Int, columns: Int, values: [Float], factor: Int) {
        guard heatmap.rows > 0, heatmap.columns > 0, heatmap.values.count == heatmap.rows * heatmap.columns else {
            return (0, 0, [], 1)
        }
        var factor = 1
        while heatmap.rows.dividedRoundingUp(by: factor) > maxRows || heatmap.columns.dividedRoundingUp(by: factor) > maxColumns {
            factor += 1
        }
        let pooled = heatmap.maxPooled(by: factor)
        return (pooled.rows, pooled.columns, pooled.values, factor)
    }

    private func render(_ histogram: Histogram) -> [String] {
        guard !histogram.counts.isEmpty else { return [histogram.title, "(no values)"] }
        var counts = histogram.counts
        while counts.count > 32 {
            counts = stride(from: 0, to: counts.count, by: 2).map { counts[$0] + (($0 + 1) < counts.count ? counts[$0 + 1] : 0) }
        }
        let lower = Double(histogram.range.lowerBound)
        let binWidth = (Double(histogram.range.upperBound) - lower) / Double(counts.count)
        let largest = max(counts.max() ?? 1, 1)
        let barWidth = max(10, width - 34)
        var lines = [histogram.title]
        for (index, count) in counts.enumerated() {
            let from = NumberFormat.significant(lower + Double(index) * binWidth)
            let bar = String(repeating: "#", count: Int((Double(count) / Double(largest) * Double(barWidth)).rounded()))
            lines.append("\(pad(from, 12)) \(pad(String(count), 7)) \(bar)")
        }
        if !histogram.markers.isEmpty {
            lines += wrap("marked levels: " + histogram.markers.map { NumberFormat.significant(Double($0)) }.joined(separator: ", "))
        }
        return lines
    }

    private func render(_ series: Series) -> [String] {
        var lines = ["\(series.title)  (\(series.yLabel) over \(series.xLabel))"]
        for line in series.lines {
            guard let first = line.values.first, let last = line.values.last else {
                lines.append("  \(line.name): no values")
                continue
            }
            let extreme = series.legendValue == .peak
                ? "highest \(NumberFormat.significant(Double(line.values.max() ?? first)))"
                : "lowest \(NumberFormat.significant(Double(line.values.min() ?? first)))"
            lines.append("  \(line.name): \(line.values.count) points, first \(NumberFormat.significant(Double(first))), last \(NumberFormat.significant(Double(last))), \(extreme)")
        }
        return lines
    }

    private func render(_ memory: MemoryBreakdown) -> [String] {
        let total = memory.totalBytes
        let rows = memory.parts.map { part in
            [part.name, Self.bytes(part.bytes), total > 0 ? "\(Int((part.bytes / total * 100).rounded()))%" : "-"]
        } + [["total", Self.bytes(total), "100%"]]
        var lines = table(title: memory.title, headers: ["part", "bytes", "share"], alignments: [.left, .right, .right], rows: rows)
        for capacity in memory.capacities {
            lines.append("\(total <= capacity ? "fits in" : "does not fit in") \(Self.bytes(capacity))")
        }
        return lines
    }

    /// Bytes in decimal units with up to six significant digits: `512 B`, `2.5 kB`, `3.5 GB`.
    static func bytes(_ count: Double) -> String {
        let scaled = NumberFormat.decimalUnit(count)
        return "\(NumberFormat.significant(scaled.value)) \(scaled.unit)"
    }

    private func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
