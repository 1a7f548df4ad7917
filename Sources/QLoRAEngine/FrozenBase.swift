/// The frozen weight under a LoRA adapter: kept as float32 (LoRA) or packed (QLoRA).
///
/// QLoRA never trains this weight and never keeps it in float32: each forward and backward pass
/// dequantizes it into scratch memory, multiplies, and lets the scratch be overwritten by the
/// next layer. So the weight costs its packed bytes at rest plus one float32 copy of the largest
/// layer in flight.
public enum FrozenBase {
    /// An unquantized `out` x `in` weight, as plain LoRA keeps it.
    case float32(Tensor)
}

extension FrozenBase {
    /// The weight's shape, `[out, in]`.
    public var shape: [Int] {
        switch self {
        case .float32(let weight): weight.shape
        }
    }

    /// Output features: rows of the weight.
    public var outFeatures: Int { shape.first ?? 0 }

    /// Input features: columns of the weight.
    public var inFeatures: Int { shape.count < 2 ? 0 : shape[1] }

    /// A short name for tables: `float32`, `nf4`, `fp4`, `int4`, `int8`.
    public var formatName: String {
        switch self {
        case .float32: "float32"
        }
    }

    /// The float32 weight the base stands for.
    public func dequantized() -> Tensor {
        switch self {
        case .float32(let weight): weight
        }
    }

    /// Writes the float32 weight into `destination` (at least `out * in` values) without allocating.
    public func dequantize(into destination: UnsafeMutableBufferPointer<Float>) {
        switch self {
        case .float32(let weight):
            _ = weight.scalars.withUnsafeBufferPointer { destination.update(fromContentsOf: $0) }
        }
    }

    /// Whether computing with the weight needs a dequantized copy in scratch memory first.
    public var needsDequantization: Bool {
        switch self {
        case .float32: false
        }
    }

    /// Every buffer the base really keeps, with its real byte size.
    public var storedBuffers: [StoredBuffer] {
        switch self {
        case .float32(let weight): [.float32("weight", count: weight.count)]
        }
    }

    /// Bytes of every buffer the base keeps.
    public var storedBytes: Int { storedBuffers.reduce(0) { $0 + $1.bytes } }

    /// Calls `body` with the float32 weight: the stored values themselves for an unquantized base,
    /// otherwise the weight dequantized into `scratch`.
    func withWeight<Result>(
        scratch: UnsafeMutableBufferPointer<Float>, _ body: (UnsafeBufferPointer<Float>) -> Result
    ) -> Result {
        switch self {
        case .float32(let weight):
            return weight.scalars.withUnsafeBufferPointer(body)
        }
    }
}

extension FrozenBase: Sendable {}
