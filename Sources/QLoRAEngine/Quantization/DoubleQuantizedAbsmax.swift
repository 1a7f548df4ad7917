import CQLoRAKernels

/// The per-block absmax values of a 4-bit tensor, quantized again to 8 bits (QLoRA paper, sec. 3).
///
/// At blocksize 64 a float32 absmax per block costs 32/64 = 0.5 bits per parameter. Double
/// quantization treats the absmax values as a tensor of their own: it subtracts their mean (they are
/// all positive, so centring them uses the symmetric 8-bit map better), then quantizes them
/// blockwise, 256 to a block, with the 8-bit dynamic map. That costs 8/64 + 32/(64·256) ≈ 0.127 bits
/// per parameter, saving about 0.373.
public struct DoubleQuantizedAbsmax: Equatable {
    /// One 8-bit code per absmax value: an index into `dynamicMap`.
    public let codes: [UInt8]
    /// The absmax of each block of `nestedBlocksize` centred absmax values, in float32.
    public let nestedAbsmax: [Float]
    /// The mean of the absmax values, subtracted before quantizing and added back after.
    public let offset: Float
    /// The number of absmax values that share one nested absmax.
    public let nestedBlocksize: Int

    /// The nested blocksize bitsandbytes always uses: 256 absmax values share one nested absmax.
    public static let standardNestedBlocksize = 256

    /// bitsandbytes' signed 8-bit dynamic map, ascending; `codes` index into it.
    public static var dynamicMap: [Float] { DynamicMap.values }

    /// The level of `dynamicMap` stored for one constant already centred and scaled into [-1, 1]:
    /// the level its lookup-table slot holds, as every constant is coded below; the nearest level
    /// except next to 0.
    public static func storedLevel(ofScaled value: Float) -> Float {
        DynamicMap.lookupTable.withUnsafeBufferPointer { DynamicMap.values[Int(qlora_byte_code(value, $0.baseAddress))] }
    }

    /// Quantizes absmax values as bitsandbytes' `quantize_4bit(compress_statistics=True)` does.
    ///
    /// The offset is `absmax.mean()` as PyTorch computes it in float32 (a cascade sum on one
    /// thread, divided by the count), so it equals bitsandbytes' offset bit for bit. The centred
    /// values are then quantized as bitsandbytes' CPU kernel quantizes them: each nested block
    /// scaled by the reciprocal of its absmax, and each scaled value's code looked up in
    /// `DynamicMap.lookupTable`. That is the nearest level except next to 0, where it can be a
    /// neighbour; the codes equal the library's bit for bit.
    ///
    /// - Precondition: `absmax` is not empty and `nestedBlocksize` is positive.
    public init(quantizing absmax: [Float], nestedBlocksize: Int = standardNestedBlocksize) {
        self.init(quantizing: absmax, nestedBlocksize: nestedBlocksize, level: qlora_vector_level.detected)
    }

    /// `init(quantizing:nestedBlocksize:)` at a given vector level, so tests can hold the levels
    /// against each other.
    init(quantizing absmax: [Float], nestedBlocksize: Int, level: qlora_vector_level) {
        precondition(!absmax.isEmpty && nestedBlocksize > 0, "double quantization needs absmax values and a positive blocksize")
        let offset = PyTorchFloat32.mean(absmax)
        let centred = absmax.map { $0 - offset }
        let nestedCount = absmax.count.dividedRoundingUp(by: nestedBlocksize)
        var nestedAbsmax = [Float](repeating: 0, count: nestedCount)
        let codes = [UInt8](unsafeUninitializedCapacity: absmax.count) { codes, initializedCount in
            centred.withUnsafeBufferPointer { centred in
                DynamicMap.lookupTable.withUnsafeBufferPointer { lookupTable in
                    nestedAbsmax.withUnsafeMutableBufferPointer { nestedAbsmax in
                        // Nested blocks are independent: split them across cores, each chunk writing
                        // only its own codes and nested absmax, so the result never depends on the split.
                        FourBitQuantized.forEachChunk(
                            ofBlocks: nestedCount, blocksize: nestedBlocksize, valuesPerThreadWorthIt: 1 << 15
                        ) { blocks in
                            qlora_quantize_byte_codes(
                                level, centred.baseAddress, centred.count, nestedBlocksize, blocks.lowerBound,
                                blocks.upperBound, lookupTable.baseAddress, codes.baseAddress, nestedAbsmax.baseAddress)
                        }
                    }
                }
            }
            initializedCount = absmax.count
        }
        self.codes = codes
        self.nestedAbsmax = nestedAbsmax
        self.offset = offset
        self.nestedBlocksize = nestedBlocksize
    }

    /// Assembles double-quantized absmax values from stored parts, such as those read from a file.
    ///
    /// - Throws: `InputError` when the parts do not fit together: no codes, a blocksize below 1,
    ///   or not one nested absmax per `nestedBlocksize` codes.
    public init(codes: [UInt8], nestedAbsmax: [Float], offset: Float, nestedBlocksize: Int = standardNestedBlocksize) throws {
        guard nestedBlocksize > 0 else {
            throw InputError("nested_blocksize", "expected a positive blocksize, got \(nestedBlocksize)")
        }
        let blockCount = codes.count.dividedRoundingUp(by: nestedBlocksize)
        guard !codes.isEmpty, nestedAbsmax.count == blockCount else {
            throw InputError("nested_absmax", "expected \(blockCount) values for \(codes.count) codes in blocks of \(nestedBlocksize), got \(nestedAbsmax.count)")
        }
        self.codes = codes
        self.nestedAbsmax = nestedAbsmax
        self.offset = offset
        self.nestedBlocksize = nestedBlocksize
    }

    /// The absmax values back in float32: `dynamicMap[code] * nestedAbsmax[i / nestedBlocksize] + offset`,
    /// a float32 multiply then a float32 add, as bitsandbytes dequantizes them.
    public func reconstructed() -> [Float] {
        let count = codes.count
        let nestedBlocksize = self.nestedBlocksize
        let offset = self.offset
        // Block by block, so no value pays for a division to find its nested absmax.
        return [Float](unsafeUninitializedCapacity: count) { values, initializedCount in
            DynamicMap.values.withUnsafeBufferPointer { map in
                codes.withUnsafeBufferPointer { codes in
                    for (block, nested) in nestedAbsmax.enumerated() {
                        for index in block * nestedBlocksize..<min((block + 1) * nestedBlocksize, count) {
                            values[index] = map[Int(codes[index])] * nested + offset
                        }
                    }
                }
            }
            initializedCount = count
        }
    }
}

extension DoubleQuantizedAbsmax: Sendable {}
