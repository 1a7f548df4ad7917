/// The type of one stored element in a tensor file, named as safetensors names it.
///
/// The engine computes in float32, but files hold weights in 16-bit floats too, and a quantized
/// weight is bytes: packed 4-bit codes and 8-bit codes. These are the types it reads and writes.
public enum ElementType: String, CaseIterable {
    case float32 = "F32"
    case float16 = "F16"
    case bfloat16 = "BF16"
    case uint8 = "U8"
    case int8 = "I8"

    /// The number of bytes one element takes.
    public var byteCount: Int {
        switch self {
        case .float32: 4
        case .float16, .bfloat16: 2
        case .uint8, .int8: 1
        }
    }

    /// The name a person reads in a listing, as PyTorch and NumPy spell it.
    public var displayName: String {
        switch self {
        case .float32: "float32"
        case .float16: "float16"
        case .bfloat16: "bfloat16"
        case .uint8: "uint8"
        case .int8: "int8"
        }
    }

    /// The safetensors names of every type, for messages that list what is expected.
    static let safetensorsNames = allCases.map(\.rawValue).joined(separator: ", ")
}

extension ElementType: Sendable {}
