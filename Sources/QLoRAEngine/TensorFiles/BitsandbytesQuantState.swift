import Foundation

/// The small, non-tensor part of a bitsandbytes 4-bit weight's quantization state.
///
/// bitsandbytes' `QuantState.as_dict(packed=True)` stores these fields as UTF-8 JSON inside a
/// uint8 tensor named `W.quant_state.bitsandbytes__nf4` (or `__fp4`), because safetensors holds
/// tensors only; `QuantState.from_dict` reads them back. `dtype` is the type the weight is
/// dequantized to; the nested fields are there only with double quantization.
public struct BitsandbytesQuantState: Equatable {
    /// `"nf4"` or `"fp4"`.
    public var quantType: String
    /// The number of values that share one absmax.
    public var blocksize: Int
    /// The dtype of the original weight, as PyTorch names it without `torch.` (`"float32"`).
    public var dtype: String
    /// The shape of the original weight.
    public var shape: [Int]
    /// The number of absmax values that share one nested absmax (double quantization).
    public var nestedBlocksize: Int?
    /// The dtype of the nested absmax values (double quantization).
    public var nestedDtype: String?
    /// The mean subtracted from the absmax values before they were quantized (double quantization).
    public var nestedOffset: Double?

    /// Creates a quantization state.
    public init(
        quantType: String, blocksize: Int, dtype: String, shape: [Int],
        nestedBlocksize: Int? = nil, nestedDtype: String? = nil, nestedOffset: Double? = nil
    ) {
        self.quantType = quantType
        self.blocksize = blocksize
        self.dtype = dtype
        self.shape = shape
        self.nestedBlocksize = nestedBlocksize
        self.nestedDtype = nestedDtype
        self.nestedOffset = nestedOffset
    }

    /// The JSON text, spelled as Python's `json.dumps` spells the same dict, fields in bitsandbytes' order.
    public var json: String {
        var fields = [
            #""quant_type": "\#(quantType)""#, #""blocksize": \#(blocksize)"#, #""dtype": "\#(dtype)""#,
            #""shape": [\#(shape.map(String.init).joined(separator: ", "))]"#,
        ]
        if let nestedBlocksize, let nestedDtype, let nestedOffset {
            fields += [
                #""nested_blocksize": \#(nestedBlocksize)"#, #""nested_dtype": "\#(nestedDtype)""#,
                #""nested_offset": \#(nestedOffset)"#,
            ]
        }
        return "{" + fields.joined(separator: ", ") + "}"
    }

    /// Reads the JSON bitsandbytes stores; `source` names it in errors.
    public init(json bytes: Data, source: String) throws {
        do {
            self = try JSONDecoder().decode(Self.self, from: bytes)
        } catch {
            throw InputError(
                source, "is not bitsandbytes quant-state JSON; expected {\"quant_type\", \"blocksize\", \"dtype\", \"shape\", ...}")
        }
    }
}

extension BitsandbytesQuantState: Decodable {
    private enum CodingKeys: String, CodingKey {
        case quantType = "quant_type"
        case blocksize, dtype, shape
        case nestedBlocksize = "nested_blocksize"
        case nestedDtype = "nested_dtype"
        case nestedOffset = "nested_offset"
    }
}

extension BitsandbytesQuantState: Sendable {}
