import ArgumentParser
import Foundation
import QLoRAEngine
import TutorLessons

/// `qlora-tutor inspect`: list a `.safetensors` file's tensors and look inside its 4-bit weights.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "List the tensors in a .safetensors file and decode its bitsandbytes 4-bit weights.",
        discussion: """
            A 4-bit weight W is recognised by its W.quant_state.bitsandbytes__nf4 (or __fp4) tensor, \
            reassembled from W, W.absmax and the rest, dequantized, and summarised.
            """
    )

    @Argument(help: "A .safetensors file.")
    var file: String

    func run() throws {
        let file = try SafetensorsFile(path: self.file)
        let dataBytes = file.entries.reduce(0) { $0 + $1.dataOffsets.count }
        // Names and metadata are the file's own strings: shown with control characters escaped.
        var lines = ["\(self.file.escapingControlCharacters): \(file.entries.count) tensors, \(NumberFormat.binaryBytes(dataBytes)) of data"]
        var table = TextTable(header: ["name", "dtype", "shape", "bytes"], rightAligned: [3])
        for entry in file.entries.sorted(by: { $0.name < $1.name }) {
            table.rows.append([entry.name.escapingControlCharacters, entry.elementType.rawValue, NumberFormat.shape(entry.shape), NumberFormat.count(entry.dataOffsets.count)])
        }
        lines.append(table.render(indent: "  "))
        if !file.metadata.isEmpty {
            lines += ["", "metadata"] + file.metadata.keys.sorted().map { "  \($0.escapingControlCharacters): \((file.metadata[$0] ?? "").escapingControlCharacters)" }
        }
        for name in BitsandbytesCheckpoint.weightNames(in: file) {
            let weight = try BitsandbytesCheckpoint.weight(named: name, in: file)
            lines += ["", summary(of: weight, named: name)]
        }
        print(lines.joined(separator: "\n"))
    }

    /// What a 4-bit weight holds: its quantization, the range of its scales and values, and how often each code occurs.
    private func summary(of weight: FourBitQuantized, named name: String) -> String {
        var lines = ["\(name.escapingControlCharacters): \(weight.type.rawValue) \(NumberFormat.shape(weight.shape)), blocksize \(weight.blocksize)"]
        if case .doubleQuantized(let quantized) = weight.scales {
            lines[0] += ", double quantization (nested blocksize \(quantized.nestedBlocksize), offset \(NumberFormat.significant(Double(quantized.offset))))"
        }
        let values = weight.dequantized().scalars
        let mean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
        let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(values.count)
        var table = TextTable()
        table.rows = [
            ["absmax", "min \(NumberFormat.significant(Double(weight.absmax.min() ?? 0)))", "max \(NumberFormat.significant(Double(weight.absmax.max() ?? 0)))", "\(NumberFormat.count(weight.absmax.count)) blocks"],
            ["values", "min \(NumberFormat.significant(Double(values.min() ?? 0)))", "max \(NumberFormat.significant(Double(values.max() ?? 0)))", "mean \(NumberFormat.significant(mean))  std \(NumberFormat.significant(variance.squareRoot()))"],
            ["stored", "\(NumberFormat.count(weight.storedBytes)) B", "\(NumberFormat.significant(weight.bitsPerParameter)) bits/param", "\(NumberFormat.significant(weight.bitsPerParameterIncludingCodebooks)) with codebooks"],
        ]
        lines.append(table.render(indent: "  "))

        var counts = [Int](repeating: 0, count: weight.type.codebook.count)
        for code in weight.codes() { counts[Int(code)] += 1 }
        let largest = counts.max() ?? 0
        var histogram = TextTable(header: ["code", "level", "count", ""], rightAligned: [0, 1, 2])
        for (code, count) in counts.enumerated() {
            histogram.rows.append([
                String(code), String(format: "%.4f", weight.type.codebook[code]), NumberFormat.count(count),
                Formatting.bar(Double(count) / Double(max(largest, 1)), width: 32),
            ])
        }
        lines += ["  codes", histogram.render(indent: "    ")]
        return lines.joined(separator: "\n")
    }
}
