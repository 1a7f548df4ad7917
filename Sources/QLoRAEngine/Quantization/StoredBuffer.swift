/// One buffer a quantized tensor really keeps, with its real size in bytes.
public struct StoredBuffer: Equatable {
    /// The buffer's name, as bitsandbytes and transformers name it where they store it
    /// (`weight`, `absmax`, `quant_map`, `nested_absmax`, `nested_quant_map`, `offset`).
    public var name: String
    /// The element type as it is stored: `uint8`, `int8`, `int4`, `float32`.
    public var dtype: String
    /// The number of elements.
    public var count: Int
    /// The number of bytes the elements take (two `int4` or packed 4-bit codes share a byte).
    public var bytes: Int
    /// Whether the buffer is a codebook: one fixed table per format rather than data that grows
    /// with the tensor. The paper's bits per parameter leave these out.
    public var isCodebook: Bool

    /// Creates a buffer description.
    public init(name: String, dtype: String, count: Int, bytes: Int, isCodebook: Bool = false) {
        self.name = name
        self.dtype = dtype
        self.count = count
        self.bytes = bytes
        self.isCodebook = isCodebook
    }

    /// A buffer of `count` float32 values.
    public static func float32(_ name: String, count: Int, isCodebook: Bool = false) -> StoredBuffer {
        StoredBuffer(name: name, dtype: "float32", count: count, bytes: 4 * count, isCodebook: isCodebook)
    }

    /// A buffer of `count` bytes.
    public static func uint8(_ name: String, count: Int) -> StoredBuffer {
        StoredBuffer(name: name, dtype: "uint8", count: count, bytes: count)
    }
}

extension StoredBuffer: Sendable {}
