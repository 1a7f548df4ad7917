/// Symmetric absmax quantization to signed integers, for the whole tensor or per block.
///
/// The simplest scheme with a zero that stays zero: divide by the largest magnitude so values land in
/// [-1, 1], stretch to the integer range, round. `scale = absmax / 127` for int8 and `absmax / 7`
/// for int4, `code = round((x / scale))` half to even, clamped to ±127 or ±7, and back,
/// `code * scale`. The choices, stated:
/// - levels are symmetric (-127...127, -7...7): the most negative integer (-128, -8) is left unused,
///   so a value and its negation quantize alike;
/// - `x / scale` is a true float32 division, rounding half to even as `torch.round` does;
/// - a block whose values are all zero stores scale 0 and codes 0, and reads back as zeros.
public struct AbsmaxIntegerQuantized: QuantizedTensor {
    /// The shape of the tensor that was quantized.
    public let shape: [Int]
    /// 8 or 4.
    public let bits: Int
    /// The number of values that share a scale, or nil for one scale for the whole tensor.
    public let blocksize: Int?
    /// One code per value, in -127...127 for int8 and -7...7 for int4.
    public let codes: [Int8]
    /// One scale per block (one in all with no blocksize): the block's absmax over the largest code.
    public let scales: [Float]

    /// Quantizes `tensor` to `bits`-bit integers with one scale per `blocksize` values, or per tensor.
    ///
    /// - Throws: `InputError` for bits other than 8 or 4, a blocksize below 1, an empty tensor, or a
    ///   NaN or infinite value.
    public init(quantizing tensor: Tensor, bits: Int, blocksize: Int? = nil) throws {
        guard bits == 8 || bits == 4 else {
            throw InputError("bits", "expected 8 or 4, got \(bits)")
        }
        if let blocksize, blocksize < 1 {
            throw InputError("blocksize", "expected a positive blocksize, got \(blocksize)")
        }
        try tensor.validateForQuantization()
        let largestCode = Float(Self.largestCode(bits: bits))
        let values = tensor.scalars
        let span = blocksize ?? values.count
        var codes = [Int8](repeating: 0, count: values.count)
        var scales: [Float] = []
        for start in stride(from: 0, to: values.count, by: span) {
            let block = start..<min(start + span, values.count)
            let absmax = values[block].reduce(0) { max($0, abs($1)) }
            let scale = absmax / largestCode
            scales.append(scale)
            guard scale > 0 else { continue }
            for index in block {
                let level = (values[index] / scale).rounded(.toNearestOrEven)
                codes[index] = Int8(min(max(level, -largestCode), largestCode))
            }
        }
        self.shape = tensor.shape
        self.bits = bits
        self.blocksize = blocksize
        self.codes = codes
        self.scales = scales
    }

    /// The largest code magnitude: 127 for 8 bits, 7 for 4.
    public static func largestCode(bits: Int) -> Int {
        (1 << (bits - 1)) - 1
    }

    /// The values the codes stand for: `Float(code) * scale` in float32.
    public func dequantized() -> Tensor {
        let span = blocksize ?? max(codes.count, 1)
        return Tensor(shape: shape, scalars: codes.indices.map { Float(codes[$0]) * scales[$0 / span] })
    }

    /// int4 codes packed two to a byte (two's complement nibbles, element 2k high), or nil for int8.
    public var packedCodes: [UInt8]? {
        bits == 4 ? Nibbles.pack(codes.map { UInt8(bitPattern: $0) & 0x0F }) : nil
    }

    /// The codes (int8 one per byte, int4 two per byte) and one float32 scale per block.
    public var storedBuffers: [StoredBuffer] {
        let codeBuffer = bits == 8
            ? StoredBuffer(name: "codes", dtype: "int8", count: codes.count, bytes: codes.count)
            : StoredBuffer(name: "codes", dtype: "int4", count: codes.count, bytes: codes.count.dividedRoundingUp(by: 2))
        return [codeBuffer, .float32("scales", count: scales.count)]
    }
}

extension AbsmaxIntegerQuantized: Equatable {}
extension AbsmaxIntegerQuantized: Sendable {}
