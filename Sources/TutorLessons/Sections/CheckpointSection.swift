import Foundation
import QLoRAEngine

/// The `checkpoint` section: a 4-bit weight written in memory as the `.safetensors` tensors
/// bitsandbytes and transformers save, then read back and opened byte by byte.
///
/// Nothing touches the disk: a lesson may not write files, and the bytes are the same either way.
public struct CheckpointSection: LessonSection {
    public init() {}

    public let name = "checkpoint"
    public let summary = "A 4-bit weight saved as bitsandbytes saves it (in memory), listed, read back and unpacked."

    /// Weight names a block may give, as they appear in a Llama checkpoint.
    static let weightNames = [
        "model.layers.0.self_attn.q_proj.weight", "model.layers.0.self_attn.v_proj.weight",
        "model.layers.0.mlp.down_proj.weight",
    ]

    public var parameters: [ParameterSpec] {
        MatrixParameters.specs + [
            ParameterSpec(
                name: "name", summary: "The weight's name in the file.",
                domain: .choices(Self.weightNames), defaultValue: .word(Self.weightNames[0])),
            ParameterSpec(name: "type", summary: "`nf4` or `fp4`.", domain: .choices(FourBitType.allCases.map(\.rawValue)), defaultValue: .word("nf4")),
            ParameterSpec(
                name: "blocksize", summary: "Values per absmax block.",
                domain: .numbers(FourBitQuantized.supportedBlocksizes.map(Double.init)), defaultValue: .number(64)),
            .flag(name: "double_quant", summary: "`true` to store the absmax values in 8 bits.", defaultValue: true),
        ]
    }

    /// What the `checkpoint` section can show.
    public enum OutputKey: String, SectionOutputKey {
        case tensors
        case quantState = "quant_state"
        case inspect

        public var summary: String {
            switch self {
            case .tensors: "Every tensor in the file: name, dtype, shape, bytes."
            case .quantState: "The JSON quant state, as stored in its uint8 tensor."
            case .inspect: "The file opened: its header, the first packed bytes split into codes, and the weights they give back."
            }
        }
    }

    /// The numbers the `checkpoint` section reads off the file it wrote.
    public enum ResultKey: String, SectionResultKey {
        case tensorCount = "tensor_count"
        case packedRows = "packed_rows"
        case fileBytes = "file_bytes"
        case headerBytes = "header_bytes"
        case headerIsJSON = "header_is_json"
        case roundtripMaxDifference = "roundtrip_max_difference"
        case firstCodeIsHighNibble = "first_code_is_high_nibble"

        public var name: String { rawValue }

        public var summary: String {
            switch self {
            case .tensorCount: "Tensors in the file."
            case .packedRows: "Rows of the packed weight tensor, shape [rows, 1]: half the number of weights, rounded up."
            case .fileBytes: "Bytes of the whole file."
            case .headerBytes: "Bytes of its JSON header."
            case .headerIsJSON: "1 when the header reads as a JSON object."
            case .roundtripMaxDifference: "Largest |weight read back from the file - weight as quantized|."
            case .firstCodeIsHighNibble: "1 when the first weight's code is the high four bits of the first byte."
            }
        }
    }

    public func run(
        _ parameters: ParameterValues, request: SectionRequest<Self>, progress: (SectionProgress) -> Void, isCancelled: () -> Bool
    ) throws -> SectionRun<Self> {
        let original = try MatrixParameters.matrix(parameters)
        let weightName = try parameters.word("name")
        let quantized = try FourBitQuantized(
            quantizing: original, type: try parameters.choice("type", as: FourBitType.self),
            blocksize: try parameters.integer("blocksize"), doubleQuantization: try parameters.flag("double_quant"))
        try checkCancellation(isCancelled)

        let bytes = SafetensorsFile.encode(BitsandbytesCheckpoint.arrays(for: quantized, named: weightName))
        let file = try SafetensorsFile(decoding: bytes, source: "checkpoint")
        let readBack = try BitsandbytesCheckpoint.weight(named: weightName, in: file)
        let difference = zip(readBack.dequantized().scalars, quantized.dequantized().scalars)
            .reduce(0.0) { max($0, Double(abs($1.0 - $1.1))) }
        let headerLength = bytes.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = bytes.dropFirst(8).prefix(headerLength)
        let headerIsJSON = (try? JSONSerialization.jsonObject(with: Data(header))) is [String: Any]
        let packedRows = try file.entry(named: weightName).shape.first ?? 0
        let codes = readBack.codes()
        let firstByte = readBack.packed.first ?? 0

        var run = SectionRun<Self>()
        run.results = [
            .tensorCount: Double(file.entries.count),
            .packedRows: Double(packedRows),
            .fileBytes: Double(bytes.count),
            .headerBytes: Double(headerLength),
            .headerIsJSON: headerIsJSON ? 1 : 0,
            .roundtripMaxDifference: difference,
            .firstCodeIsHighNibble: codes.first.map { Int($0) == Int(firstByte >> 4) ? 1 : 0 } ?? 0,
        ]
        try checkCancellation(isCancelled)

        if request.wants(.tensors) {
            // Names relative to the weight's, `W` standing for it, so the table fits a narrow screen.
            let rows = file.entries.sorted { $0.name < $1.name }.map { entry in
                ["W" + entry.name.dropFirst(weightName.count), entry.elementType.rawValue,
                 NumberFormat.shape(entry.shape), NumberFormat.count(entry.dataOffsets.count)]
            }
            run.outputs[.tensors] = [.table(OutputTable(
                title: "W = \(weightName): \(NumberFormat.count(bytes.count)) bytes in all",
                headers: ["tensor", "dtype", "shape", "bytes"], alignments: [.left, .left, .right, .right], rows: rows))]
        }
        if request.wants(.quantState) {
            let stateName = "\(weightName).\(BitsandbytesCheckpoint.quantStatePrefix)\(quantized.type.rawValue)"
            run.outputs[.quantState] = [.text((try? file.array(named: stateName)).map { String(decoding: $0.bytes, as: UTF8.self) } ?? "")]
        }
        if request.wants(.inspect) {
            var rows: [[String]] = []
            let codebook = quantized.type.codebook
            let absmax = readBack.absmax.first ?? 0
            for (byteIndex, byte) in readBack.packed.prefix(3).enumerated() {
                for (half, code) in [(0, Int(byte >> 4)), (1, Int(byte & 0x0F))] {
                    let index = 2 * byteIndex + half
                    guard index < original.count, code < codebook.count else { continue }
                    rows.append([
                        String(format: "%d: 0x%02X", byteIndex, byte),
                        half == 0 ? "high" : "low", "\(code)", NumberFormat.significant(Double(codebook[code])),
                        NumberFormat.significant(Double(codebook[code] * absmax)), NumberFormat.significant(Double(original.scalars[index])),
                    ])
                }
            }
            run.outputs[.inspect] = [
                .text("Header: \(NumberFormat.count(headerLength)) bytes of JSON; block 0's absmax reads back as \(NumberFormat.significant(Double(absmax)))."),
                .table(OutputTable(
                    title: "The first packed bytes of W",
                    headers: ["byte", "nibble", "code", "level", "x absmax", "original"],
                    alignments: [.left, .left, .right, .right, .right, .right], rows: rows)),
            ]
        }
        return run
    }
}
