import Foundation

/// A 4-bit weight in the tensors bitsandbytes and transformers save for it.
///
/// For a weight `W`, `Linear4bit` saves the packed codes as `W` (uint8, shape [ceil(n/2), 1]) and
/// its `QuantState.as_dict(packed=True)` under `W.`: `absmax` (float32 per block, or with double
/// quantization the uint8 codes of the absmax), `quant_map` (the 16-value codebook), with double
/// quantization `nested_absmax` and `nested_quant_map` (the 256-value dynamic map), and
/// `quant_state.bitsandbytes__nf4` (or `__fp4`), the JSON of everything that is not a tensor.
/// Writing and reading here follow those functions key for key, so a file round-trips through
/// `QuantState.from_dict` and `dequantize_4bit`.
public enum BitsandbytesCheckpoint {
    /// What the name of the JSON quant state starts with after `W.`; the quant type follows.
    public static let quantStatePrefix = "quant_state.bitsandbytes__"

    /// The dtype name bitsandbytes records for float32 (`str(torch.float32)` without `torch.`).
    static let float32Name = "float32"

    /// The arrays that store `weight` under `name`, keyed as bitsandbytes keys them.
    public static func arrays(for weight: FourBitQuantized, named name: String) -> [String: StoredArray] {
        var state = BitsandbytesQuantState(
            quantType: weight.type.rawValue, blocksize: weight.blocksize, dtype: float32Name, shape: weight.shape)
        var arrays = [
            name: StoredArray(uint8: weight.packed, shape: [weight.packed.count, 1]),
            "\(name).quant_map": StoredArray(float32: weight.type.codebook, shape: [weight.type.codebook.count]),
        ]
        switch weight.scales {
        case .plain(let absmax):
            arrays["\(name).absmax"] = StoredArray(float32: absmax, shape: [absmax.count])
        case .doubleQuantized(let quantized):
            let map = DoubleQuantizedAbsmax.dynamicMap
            arrays["\(name).absmax"] = StoredArray(uint8: quantized.codes, shape: [quantized.codes.count])
            arrays["\(name).nested_absmax"] = StoredArray(float32: quantized.nestedAbsmax, shape: [quantized.nestedAbsmax.count])
            arrays["\(name).nested_quant_map"] = StoredArray(float32: map, shape: [map.count])
            state.nestedBlocksize = quantized.nestedBlocksize
            state.nestedDtype = float32Name
            state.nestedOffset = Double(quantized.offset)
        }
        let json = Array(state.json.utf8)
        arrays["\(name).\(quantStatePrefix)\(weight.type.rawValue)"] = StoredArray(uint8: json, shape: [json.count])
        return arrays
    }

    /// The names of the 4-bit weights in `file`: every `W` that has a `W.quant_state.bitsandbytes__*` tensor.
    public static func weightNames(in file: SafetensorsFile) -> [String] {
        file.names.compactMap { key in
            guard let range = key.range(of: "." + quantStatePrefix, options: .backwards) else { return nil }
            return String(key[..<range.lowerBound])
        }
    }

    /// The 4-bit weight `name` reassembled from `file`, each part checked against the quant state.
    ///
    /// - Throws: `InputError` naming the file when a part is missing, has the wrong dtype or size,
    ///   or a codebook differs from the one bitsandbytes uses for the quant type.
    public static func weight(named name: String, in file: SafetensorsFile) throws -> FourBitQuantized {
        let source = file.source
        func failure(_ message: String) -> InputError { InputError(source, "4-bit weight '\(name)': \(message)") }

        guard let stateKey = file.names.first(where: { $0.hasPrefix("\(name).\(quantStatePrefix)") }) else {
            throw failure("has no \(name).\(quantStatePrefix)nf4 or fp4 tensor; expected bitsandbytes' quant state")
        }
        let typeName = String(stateKey.dropFirst("\(name).\(quantStatePrefix)".count))
        guard let type = FourBitType(rawValue: typeName) else {
            throw failure("quant type '\(typeName)'; expected nf4 or fp4")
        }
        let stateBytes = try file.array(named: stateKey)
        guard stateBytes.elementType == .uint8 else {
            throw failure("\(stateKey) has dtype \(stateBytes.elementType.rawValue); expected U8 bytes of JSON")
        }
        let state = try BitsandbytesQuantState(json: stateBytes.bytes, source: "\(source): \(stateKey)")
        guard state.quantType == typeName else {
            throw failure("quant state says '\(state.quantType)' under a key for '\(typeName)'; expected them to agree")
        }

        let packed = try file.array(named: name).uint8Values(source: "\(source): \(name)")
        // Check the sizes the quant state claims against the stored bytes before any arithmetic on them.
        let count = try StoredArray.elementCount(of: state.shape, source: "\(source): \(stateKey)")
        let packedCount = count.dividedRoundingUp(by: 2)
        guard packed.count == packedCount else {
            throw failure("\(name) holds \(packed.count) bytes; expected \(packedCount) for shape \(state.shape), two codes a byte")
        }
        let quantMap = try file.array(named: "\(name).quant_map").float32Values(source: "\(source): \(name).quant_map")
        guard quantMap == type.codebook else {
            throw failure("quant_map differs from the \(typeName.uppercased()) codebook; expected bitsandbytes' 16 values")
        }
        let absmax = try file.array(named: "\(name).absmax")
        let scales: FourBitQuantized.Scales
        if let nestedBlocksize = state.nestedBlocksize {
            guard let offset = state.nestedOffset, Float(offset).isFinite, state.nestedDtype == float32Name else {
                throw failure("quant state has nested_blocksize but no nested_offset a float32 holds, or no float32 nested_dtype")
            }
            guard FourBitQuantized.supportedBlocksizes.contains(nestedBlocksize) else {
                throw failure("nested_blocksize \(nestedBlocksize); expected one of \(FourBitQuantized.supportedBlocksizes.map(String.init).joined(separator: ", "))")
            }
            let nestedMap = try file.array(named: "\(name).nested_quant_map")
                .float32Values(source: "\(source): \(name).nested_quant_map")
            guard nestedMap == DoubleQuantizedAbsmax.dynamicMap else {
                throw failure("nested_quant_map differs from the 8-bit dynamic map; expected bitsandbytes' 256 values")
            }
            let nestedAbsmax = try file.array(named: "\(name).nested_absmax")
                .float32Values(source: "\(source): \(name).nested_absmax")
            guard nestedAbsmax.allSatisfy(\.isFinite) else {
                throw failure("nested_absmax holds a NaN or an infinity; expected finite scales")
            }
            let codes = try absmax.uint8Values(source: "\(source): \(name).absmax")
            scales = .doubleQuantized(
                try restating(failure) {
                    try DoubleQuantizedAbsmax(
                        codes: codes, nestedAbsmax: nestedAbsmax, offset: Float(offset), nestedBlocksize: nestedBlocksize)
                })
        } else {
            let values = try absmax.float32Values(source: "\(source): \(name).absmax")
            guard values.allSatisfy(\.isFinite) else { throw failure("absmax holds a NaN or an infinity; expected finite scales") }
            scales = .plain(absmax: values)
        }
        return try restating(failure) {
            try FourBitQuantized(type: type, blocksize: state.blocksize, shape: state.shape, packed: packed, scales: scales)
        }
    }

    /// Runs `body`, restating an `InputError` about a part (such as `absmax`) as one about the file.
    private static func restating<T>(_ failure: (String) -> InputError, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as InputError {
            throw failure("\(error.source): \(error.message)")
        }
    }
}
