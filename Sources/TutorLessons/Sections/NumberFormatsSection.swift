import Foundation
import QLoRAEngine

/// The `formats` section: FP32, FP16, BF16, INT8 and INT4 side by side, one value rounded
/// through the floating-point ones, and what a real model's weights take in each.
public struct NumberFormatsSection: LessonSection {
    public init() {}

    public let name = "formats"
    public let summary = "Number formats: their bits, range and step; one value rounded through each; a model's weights in each."

    public var parameters: [ParameterSpec] {
        [
            ParameterSpec(
                name: "value", summary: "The weight to round through FP32, FP16 and BF16 (taken as float32 first).",
                domain: .range(-1e30...1e30, step: nil), defaultValue: .number(0.0123456)),
            ParameterSpec(
                name: "model", summary: "The architecture whose parameter count the `model` table uses.",
                domain: .choices(ModelArchitecture.known.map(\.name)), defaultValue: .word("llama-2-7b")),
        ]
    }

    public func run(
        _ parameters: ParameterValues, request: SectionRequest<Self>, progress: (SectionProgress) -> Void, isCancelled: () -> Bool
    ) throws -> SectionRun<Self> {
        try checkCancellation(isCancelled)
        let original = Double(Float(try parameters.number("value")))
        let architecture = try ModelArchitecture.named(try parameters.word("model"))
        var run = SectionRun<Self>()
        // Symmetric absmax integers mirror their grid around zero: -127...127 and -7...7, so the most
        // negative code (-128, -8) is never used and a weight and its negation get opposite codes.
        let int8Largest = AbsmaxIntegerQuantized.largestCode(bits: 8)
        let int4Largest = AbsmaxIntegerQuantized.largestCode(bits: 4)
        run.results = [
            .int8Bits: 8, .int8Levels: Double(2 * int8Largest + 1), .int4Bits: 4, .int4Levels: Double(2 * int4Largest + 1),
            .modelParameters: Double(architecture.parameterCount),
        ]

        var formatRows: [[String]] = []
        var roundtripRows: [[String]] = []
        for key in FloatFormat.allCases {
            let format = key.format
            let stored = format.rounded(original)
            let error = abs(original - stored)
            run.results[.bits(key)] = Double(format.bitWidth)
            run.results[.largest(key)] = format.largestFinite
            run.results[.epsilon(key)] = format.epsilon
            run.results[.error(key)] = stored.isFinite ? error : .infinity
            run.results[.relativeError(key)] = original == 0 ? 0 : (stored.isFinite ? error / abs(original) : .infinity)
            run.results[.overflows(key)] = stored.isInfinite ? 1 : 0
            run.results[.underflows(key)] = original != 0 && stored == 0 ? 1 : 0
            formatRows.append([
                format.name, "\(format.bitWidth)", "1+\(format.exponentBits)+\(format.mantissaBits)",
                NumberFormat.magnitude(format.largestFinite), NumberFormat.scientific(format.epsilon),
                "2^\(format.bitWidth)",
            ])
            if stored.isInfinite {
                roundtripRows.append([format.name, NumberFormat.significant(stored, digits: 8) + " (overflow)", "-", "-"])
            } else {
                roundtripRows.append([
                    format.name, NumberFormat.significant(stored, digits: 8) + (original != 0 && stored == 0 ? " (underflow)" : ""),
                    NumberFormat.scientific(error),
                    original == 0 ? "-" : NumberFormat.percent(100 * error / abs(original), digits: 4),
                ])
            }
        }
        for (bits, largest) in [(8, int8Largest), (4, int4Largest)] {
            formatRows.append(["INT\(bits)", "\(bits)", "code", "\(largest) x scale", "scale", "\(2 * largest + 1) of 2^\(bits)"])
        }

        var modelRows: [[String]] = []
        let fp32Bytes = Double(architecture.parameterCount) * 4
        for format in StorageFormat.allCases {
            let bytes = Double(architecture.parameterCount) * format.bits / 8
            let saving = 100 * (1 - bytes / fp32Bytes)
            run.results[.weightsGB(format)] = bytes / 1e9
            run.results[.savingPercent(format)] = saving
            modelRows.append([format.title, NumberFormat.decimal(format.bits), NumberFormat.gigabytes(bytes), NumberFormat.percent(saving)])
        }

        let bitsWithoutNested: Double = 4 + 32.0 / 64
        let bitsWithNested: Double = 4 + 8.0 / 64 + 32.0 / (64 * 256)
        let withoutNested = Double(architecture.parameterCount) * bitsWithoutNested / 8
        let withNested = Double(architecture.parameterCount) * bitsWithNested / 8
        run.results[.doubleQuantSavingGB] = (withoutNested - withNested) / 1e9

        for key in request.outputs {
            switch key {
            case .table:
                run.outputs[key] = [.table(OutputTable(
                    title: "Number formats",
                    headers: ["format", "bits", "sign+exp+mant", "largest", "step near 1", "values"],
                    alignments: [.left, .right, .left, .right, .right, .right], rows: formatRows))]
            case .roundtrip:
                run.outputs[key] = [.table(OutputTable(
                    title: "\(NumberFormat.significant(original, digits: 8)) stored and read back",
                    headers: ["format", "read back", "error", "relative error"],
                    alignments: [.left, .right, .right, .right], rows: roundtripRows))]
            case .model:
                run.outputs[key] = [.table(OutputTable(
                    title: "\(architecture.name): \(NumberFormat.count(architecture.parameterCount)) parameters, weights only",
                    headers: ["format", "bits per weight", "weights", "saved vs FP32"],
                    alignments: [.left, .right, .right, .right], rows: modelRows))]
            case .doubleQuantSaving:
                run.outputs[key] = [.table(OutputTable(
                    title: "\(architecture.name): NF4 weights with and without double quantization",
                    headers: ["layout", "bits per weight", "weights"],
                    alignments: [.left, .right, .right],
                    rows: [
                        ["absmax in float32", NumberFormat.decimal(bitsWithoutNested), NumberFormat.gigabytes(withoutNested)],
                        ["double quantization", NumberFormat.decimal(bitsWithNested, digits: 3), NumberFormat.gigabytes(withNested)],
                        ["saved", "", NumberFormat.gigabytes(withoutNested - withNested)],
                    ]))]
            }
        }
        return run
    }
}
