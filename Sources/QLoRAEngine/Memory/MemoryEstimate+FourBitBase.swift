extension MemoryEstimate {
    /// How QLoRA stores its frozen base: bitsandbytes 4-bit blockwise quantization.
    ///
    /// Every linear weight in the decoder blocks is quantized on its own: its values are split into
    /// blocks of `blocksize` (the last block of a matrix may be partial), each block keeps one absmax
    /// scale, and each value becomes a 4-bit code, two to a byte. Embeddings, norms, biases and the
    /// output head are loaded 16-bit; peft's `prepare_model_for_kbit_training` then casts them to
    /// float32, 2 more bytes each. NF4 and FP4 take the same memory; only the codebook differs.
    public struct FourBitBase: Equatable {
        /// The 4-bit codebook: NF4 or FP4, the engine's `FourBitType`.
        public typealias DataType = FourBitType

        /// The codebook the codes index: NF4 or FP4 (the same memory either way).
        public var dataType: DataType
        /// Values per absmax block.
        public var blocksize: Int
        /// Whether the absmax scales are themselves quantized to 8 bits (`bnb_4bit_use_double_quant`).
        public var doubleQuantization: Bool

        /// Creates a 4-bit storage; the defaults are the QLoRA paper's: NF4, blocks of 64, double quantization.
        public init(dataType: DataType = .nf4, blocksize: Int = 64, doubleQuantization: Bool = true) {
            self.dataType = dataType
            self.blocksize = blocksize
            self.doubleQuantization = doubleQuantization
        }

        /// The block sizes bitsandbytes' 4-bit quantizer accepts: `FourBitQuantized.supportedBlocksizes`.
        public static var blocksizes: [Int] { FourBitQuantized.supportedBlocksizes }

        /// Absmax values per second-level block under double quantization.
        public static let nestedBlocksize = DoubleQuantizedAbsmax.standardNestedBlocksize

        /// Checks the block size.
        ///
        /// - Throws: `InputError` with source `blocksize` listing the accepted sizes.
        public func validate() throws(InputError) {
            try FourBitQuantized.validate(blocksize: blocksize)
        }

        /// Bytes of the packed codes for one matrix of `count` values: two codes per byte, an odd count padded.
        public func packedBytes(count: Int) -> Int { count.dividedRoundingUp(by: 2) }

        /// Bytes of the quantization constants for one matrix of `count` values.
        ///
        /// Without double quantization, one float32 absmax per block. With it, one 8-bit code per block,
        /// one float32 scale per 256 blocks, and the float32 offset (the mean absmax) subtracted first.
        /// The codebooks themselves (16 floats, and the 256-entry 8-bit map) are a few hundred bytes per
        /// matrix and are left out.
        public func quantizationConstantBytes(count: Int) -> Int {
            let blocks = count.dividedRoundingUp(by: blocksize)
            guard doubleQuantization else { return 4 * blocks }
            let nestedBlocks = blocks.dividedRoundingUp(by: Self.nestedBlocksize)
            return blocks + 4 * nestedBlocks + 4
        }

        /// Bytes of `model`'s weights stored this way: packed decoder linear weights, everything else at
        /// `unquantizedBytes` per value (2 as loaded, 4 after `prepare_model_for_kbit_training`).
        public func weightBytes(of model: ModelArchitecture, unquantizedBytes: Int = 2) -> Int {
            let packed = LinearModule.allCases.reduce(0) { $0 + packedBytes(count: $1.weightParameters(in: model)) }
            let unquantized = model.parameterCount - model.quantizedParameters
            return model.layers * packed + unquantizedBytes * unquantized
        }

        /// Bytes of the quantization constants of every quantized matrix in `model`.
        public func quantizationConstantBytes(of model: ModelArchitecture) -> Int {
            let perLayer = LinearModule.allCases.reduce(0) {
                $0 + quantizationConstantBytes(count: $1.weightParameters(in: model))
            }
            return model.layers * perLayer
        }
    }
}

extension MemoryEstimate.FourBitBase: Sendable {}
