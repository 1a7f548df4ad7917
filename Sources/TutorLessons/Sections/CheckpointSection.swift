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
            ParameterSpec(
                name: "double_quant", summary: "`yes` to store the absmax values in 8 bits.",
                domain: .choices(["no", "yes"]), defaultValue: .word("yes")),
        ]
    }

    public var outputs: [(name: String, summary: String)] {
        [
            ("tensors", "Every tensor in the file: name, dtype, shape, bytes."),
            ("quant_state", "The JSON quant state, as stored in its uint8 tensor."),
            ("inspect", "The file opened: its header, the first packed bytes split into codes, and the weights they give back."),
        ]
    }

    public var results: [(name: String, summary: String)] {
        [
            ("tensor_count", "Tensors in the file."),
            ("packed_rows", "Rows of the packed weight tensor, shape [rows, 1]: half the number of weights, rounded up."),
            ("file_bytes", "Bytes of the whole file."),
            ("header_bytes", "Bytes of its JSON header."),
            ("header_is_json", "1 when the header reads as a JSON object."),
            ("roundtrip_max_difference", "Largest |weight read back from the file - weight as quantized|."),
            ("first_code_is_high_nibble", "1 when the first weight's code is the high four bits of the first byte."),
        ]
    }

    public func run(_ parameters: ParameterValues) throws -> SectionResult {
        let original = MatrixParameters.matrix(parameters)
        let weightName = parameters.word("name")
        let quantized = try FourBitQuantized(
            quantizing: original, type: FourBitType(rawValue: parameters.word("type")) ?? .nf4,
            blocksize: parameters.integer("blocksize"), doubleQuantization: parameters.word("double_quant") == "yes")

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

        let results: [String: Double] = [
            "tensor_count": Double(file.entries.count),
            "packed_rows": Double(packedRows),
            "file_bytes": Double(bytes.count),
            "header_bytes": Double(headerLength),
            "header_is_json": headerIsJSON ? 1 : 0,
            "roundtrip_max_difference": difference,
            "first_code_is_high_nibble": codes.first.map { Int($0) == Int(firstByte >> 4) ? 1 : 0 } ?? 0,
        ]

        // Names relative to the weight's, `W` standing for it, so the table fits a narrow screen.
        let tensorRows = file.entries.sorted { $0.name < $1.name }.map { entry in
            ["W" + entry.name.dropFirst(weightName.count), entry.elementType.rawValue,
             "[" + entry.shape.map(String.init).joined(separator: ", ") + "]", SectionFormat.count(entry.dataOffsets.count)]
        }
        let stateName = "\(weightName).\(BitsandbytesCheckpoint.quantStatePrefix)\(quantized.type.rawValue)"
        let stateText = (try? file.array(named: stateName)).map { String(decoding: $0.bytes, as: UTF8.self) } ?? ""

        var inspectRows: [[String]] = []
        let codebook = quantized.type.codebook
        let absmax = readBack.absmax.first ?? 0
        for (byteIndex, byte) in readBack.packed.prefix(3).enumerated() {
            for (half, code) in [(0, Int(byte >> 4)), (1, Int(byte & 0x0F))] {
                let index = 2 * byteIndex + half
                guard index < original.count, code < codebook.count else { continue }
                inspectRows.append([
                    String(format: "%d: 0x%02X", byteIndex, byte),
                    half == 0 ? "high" : "low", "\(code)", Double(codebook[code]).compact,
                    Double(codebook[code] * absmax).compact, Double(original.scalars[index]).compact,
                ])
            }
        }

        return SectionResult(
            outputs: [
                "tensors": [.table(OutputTable(
                    title: "W = \(weightName): \(SectionFormat.count(bytes.count)) bytes in all",
                    headers: ["tensor", "dtype", "shape", "bytes"], alignments: [.left, .left, .right, .right], rows: tensorRows))],
                "quant_state": [.text(stateText)],
                "inspect": [
                    .text("Header: \(SectionFormat.count(headerLength)) bytes of JSON; block 0's absmax reads back as \(Double(absmax).compact)."),
                    .table(OutputTable(
                        title: "The first packed bytes of W",
                        headers: ["byte", "nibble", "code", "level", "x absmax", "original"],
                        alignments: [.left, .left, .right, .right, .right, .right], rows: inspectRows)),
                ],
            ],
            results: results)
    }
}
