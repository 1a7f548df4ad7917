/// The tutorial notebook's 4-bit quantizer: one minimum and one step for the whole tensor.
///
/// The 16 levels are evenly spaced from the tensor's minimum to its maximum:
/// `scale = (max - min) / 15` (1 when every value is the same), `code = round((x - min) / scale)`
/// clamped to 0...15, and back, `code * scale + min`. Everything is float32 and the rounding is half
/// to even, as `torch.round` does, so the codes equal PyTorch's bit for bit, ties included.
/// One outlier stretches the range for every value, which is what blockwise absmax and NF4 fix.
public struct MinMax4BitQuantized: QuantizedTensor {
    /// The shape of the tensor that was quantized.
    public let shape: [Int]
    /// One code 0...15 per value, one per byte: the notebook keeps them as `torch.uint8` unpacked.
    public let codes: [UInt8]
    /// The step between neighbouring levels.
    public let scale: Float
    /// The value of code 0: the tensor's minimum.
    public let minimum: Float

    /// The number of levels four bits can hold.
    public static let levelCount = 16

    /// Quantizes `tensor` with one minimum and one step.
    ///
    /// - Throws: `InputError` for an empty tensor, a NaN or infinite value, or a range
    ///   `max - min` too wide for float32.
    public init(quantizing tensor: Tensor) throws {
        try tensor.validateForQuantization()
        let minimum = tensor.scalars.min() ?? 0
        let maximum = tensor.scalars.max() ?? 0
        guard (maximum - minimum).isFinite else {
            throw InputError("tensor", "expected max - min to fit in float32, got \(minimum) ... \(maximum)")
        }
        var scale = (maximum - minimum) / Float(Self.levelCount - 1)
        if scale == 0 { scale = 1 }
        let highest = Float(Self.levelCount - 1)
        codes = tensor.scalars.map { value in
            // A true float32 division, not a multiply by 1/scale: that is what PyTorch computes.
            let level = ((value - minimum) / scale).rounded(.toNearestOrEven)
            return UInt8(min(max(level, 0), highest))
        }
        shape = tensor.shape
        self.scale = scale
        self.minimum = minimum
    }

    /// The values the codes stand for: `Float(code) * scale + minimum`, a float32 multiply then add.
    public func dequantized() -> Tensor {
        Tensor(shape: shape, scalars: codes.map { Float($0) * scale + minimum })
    }

    /// The codes, one byte each, and the two float32 constants.
    public var storedBuffers: [StoredBuffer] {
        [.uint8("codes", count: codes.count), .float32("scale", count: 1), .float32("minimum", count: 1)]
    }
}

extension MinMax4BitQuantized: Equatable {}
extension MinMax4BitQuantized: Sendable {}
