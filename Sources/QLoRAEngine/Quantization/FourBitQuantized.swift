/// A tensor quantized to 4 bits per value in blocks, exactly as bitsandbytes' `quantize_4bit`.
///
/// The tensor is flattened row-major and cut into blocks of `blocksize` values (the last one may be
/// shorter). Each block keeps its absolute maximum, `absmax`; each value is divided by it, which puts
/// it in [-1, 1], and replaced by the code of the nearest codebook level (NF4 or FP4). Two codes
/// share a byte. Reading back is one lookup and one multiply: `codebook[code] * absmax[block]`.
///
/// With double quantization (QLoRA paper, sec. 3) the absmax values, which cost 32/64 = 0.5 bits per
/// parameter at blocksize 64, are themselves quantized to 8 bits (`DoubleQuantizedAbsmax`).
public struct FourBitQuantized: QuantizedTensor {
    /// How the per-block absmax values are stored.
    public enum Scales: Equatable {
        /// One float32 absmax per block.
        case plain(absmax: [Float])
        /// The absmax values quantized to 8 bits, in blocks of 256 (double quantization).
        case doubleQuantized(DoubleQuantizedAbsmax)
    }

    /// The blocksizes bitsandbytes accepts.
    public static let supportedBlocksizes = [32, 64, 128, 256, 512, 1024, 2048, 4096]

    /// The data type: which 16 values the codes stand for.
    public let type: FourBitType
    /// The number of values that share one absmax.
    public let blocksize: Int
    /// The shape of the tensor that was quantized.
    public let shape: [Int]
    /// The number of values quantized.
    public let count: Int
    /// Two codes per byte, element 2k in the high nibble: ceil(count / 2) bytes.
    public let packed: [UInt8]
    /// The per-block scales as they are stored.
    public let scales: Scales
    /// One absmax per block, as dequantization uses it: the stored values, or, with double
    /// quantization, the values reconstructed from their 8-bit codes.
    public let absmax: [Float]

    /// Quantizes `tensor` to 4 bits in blocks, as bitsandbytes' `quantize_4bit` on the CPU does.
    ///
    /// - Parameters:
    ///   - type: `.nf4` or `.fp4`.
    ///   - blocksize: one of `supportedBlocksizes` (32 ... 4096); bitsandbytes' default is 64.
    ///   - doubleQuantization: also quantize the absmax values to 8 bits
    ///     (bitsandbytes' `compress_statistics`).
    /// - Throws: `InputError` for an unsupported blocksize, an empty tensor, or a NaN or infinite value.
    public init(
        quantizing tensor: Tensor, type: FourBitType, blocksize: Int = 64, doubleQuantization: Bool = false
    ) throws {
        try Self.validate(blocksize: blocksize)
        try tensor.validateNotEmpty()
        let search = CodebookSearch(codebook: type.codebook)
        let blockCount = tensor.count.dividedRoundingUp(by: blocksize)
        let packedCount = tensor.count.dividedRoundingUp(by: 2)
        // The kernel writes every byte and every absmax, so neither array is filled with zeros first.
        var absmax: [Float] = []
        let packed = [UInt8](unsafeUninitializedCapacity: packedCount) { packed, packedWritten in
            absmax = [Float](unsafeUninitializedCapacity: blockCount) { absmax, absmaxWritten in
                tensor.scalars.withUnsafeBufferPointer { values in
                    Self.quantize(
                        values, blocksize: blocksize, search: search,
                        packed: UnsafeMutableBufferPointer(rebasing: packed[..<packedCount]),
                        absmax: UnsafeMutableBufferPointer(rebasing: absmax[..<blockCount]))
                }
                absmaxWritten = blockCount
            }
            packedWritten = packedCount
        }
        // The kernel checks every block on its way through: a NaN absmax marks a NaN or an infinity.
        if absmax.contains(where: { $0.isNaN }) {
            try tensor.validateFinite()
        }
        let scales: Scales
        if doubleQuantization {
            let quantizedAbsmax = DoubleQuantizedAbsmax(quantizing: absmax)
            scales = .doubleQuantized(quantizedAbsmax)
            absmax = quantizedAbsmax.reconstructed()
        } else {
            scales = .plain(absmax: absmax)
        }
        self.type = type
        self.blocksize = blocksize
        self.shape = tensor.shape
        self.count = tensor.count
        self.packed = packed
        self.scales = scales
        self.absmax = absmax
    }

    /// Assembles a quantized tensor from stored parts, such as a 4-bit weight read from a file.
    ///
    /// - Throws: `InputError` when the parts do not fit together: an unsupported blocksize, or a
    ///   packed or absmax length that does not match `shape`.
    public init(type: FourBitType, blocksize: Int, shape: [Int], packed: [UInt8], scales: Scales) throws {
        try Self.validate(blocksize: blocksize)
        let count = try StoredArray.elementCount(of: shape, source: "shape")
        guard count > 0 else {
            throw InputError("shape", "expected a non-empty tensor, got \(shape)")
        }
        let packedCount = count.dividedRoundingUp(by: 2)
        guard packed.count == packedCount else {
            throw InputError("packed", "expected \(packedCount) bytes for shape \(shape), got \(packed.count)")
        }
        let blockCount = count.dividedRoundingUp(by: blocksize)
        let absmax: [Float]
        switch scales {
        case .plain(let values):
            absmax = values
        case .doubleQuantized(let quantized):
            absmax = quantized.reconstructed()
        }
        guard absmax.count == blockCount else {
            throw InputError("absmax", "expected \(blockCount) values for \(count) values in blocks of \(blocksize), got \(absmax.count)")
        }
        self.type = type
        self.blocksize = blocksize
        self.shape = shape
        self.count = count
        self.packed = packed
        self.scales = scales
        self.absmax = absmax
    }

    /// The 4-bit code of every value, one per element, unpacked.
    public func codes() -> [UInt8] {
        Nibbles.unpack(packed, count: count)
    }

    /// The float32 tensor the codes stand for: `codebook[code] * absmax[block]`.
    public func dequantized() -> Tensor {
        var values = [Float](repeating: 0, count: count)
        values.withUnsafeMutableBufferPointer { dequantize(into: $0) }
        return Tensor(shape: shape, scalars: values)
    }

    /// Every buffer bitsandbytes stores for a 4-bit weight, under the names it saves them with.
    public var storedBuffers: [StoredBuffer] {
        var buffers = [
            StoredBuffer(name: "weight", dtype: "uint8", count: packed.count, bytes: packed.count),
        ]
        switch scales {
        case .plain(let absmax):
            buffers.append(.float32("absmax", count: absmax.count))
        case .doubleQuantized(let quantized):
            buffers.append(.uint8("absmax", count: quantized.codes.count))
            buffers.append(.float32("nested_absmax", count: quantized.nestedAbsmax.count))
            buffers.append(.float32("offset", count: 1))
            buffers.append(.float32("nested_quant_map", count: DoubleQuantizedAbsmax.dynamicMap.count, isCodebook: true))
        }
        buffers.append(.float32("quant_map", count: type.codebook.count, isCodebook: true))
        return buffers
    }
}

extension FourBitQuantized {
    /// Rejects a blocksize bitsandbytes would not accept.
    static func validate(blocksize: Int) throws(InputError) {
        guard supportedBlocksizes.contains(blocksize) else {
            let choices = supportedBlocksizes.map(String.init).joined(separator: ", ")
            throw InputError("blocksize", "expected one of \(choices), got \(blocksize)")
        }
    }
}

extension FourBitQuantized: Sendable {}
extension FourBitQuantized: Equatable {}
extension FourBitQuantized.Scales: Sendable {}
