import CQLoRAKernels
import Dispatch

// The hot loops of 4-bit quantization run in C (CQLoRAKernels' FourBitCodes), built for the
// baseline instruction set and for AVX2. Big tensors are split across cores by whole blocks, so
// the result is the same bit for bit on any number of threads and at either level.

extension FourBitQuantized {
    /// Outputs of at least this many values are written around the caches when dequantizing: 16 MiB
    /// of float32 would only evict everything else before anyone reads it back.
    static let cacheBypassCount = 1 << 22

    /// Fills `packed` and `absmax` for `values` with bitsandbytes' rule (`qlora_quantize_four_bit`).
    /// A block holding a NaN or an infinity gets a NaN absmax.
    ///
    /// - Precondition: `search` is for a 16-level codebook; `packed` holds `ceil(count / 2)` bytes
    ///   and `absmax` one value per block, the last block possibly shorter.
    static func quantize(
        _ values: UnsafeBufferPointer<Float>, blocksize: Int, search: CodebookSearch,
        packed: UnsafeMutableBufferPointer<UInt8>, absmax: UnsafeMutableBufferPointer<Float>,
        level: qlora_vector_level = .detected
    ) {
        precondition(search.codeAtPosition.count == 16, "a 4-bit codebook has 16 levels")
        let count = values.count
        let blockCount = count.dividedRoundingUp(by: blocksize)
        precondition(packed.count == count.dividedRoundingUp(by: 2) && absmax.count == blockCount)
        guard let values = values.baseAddress, let packed = packed.baseAddress, let absmax = absmax.baseAddress else { return }
        search.midpoints.withUnsafeBufferPointer { midpoints in
            search.codeAtPosition.withUnsafeBufferPointer { codeAtPosition in
                forEachChunk(ofBlocks: blockCount, blocksize: blocksize) { blocks in
                    qlora_quantize_four_bit(
                        level, values, count, blocksize, blocks.lowerBound, blocks.upperBound,
                        midpoints.baseAddress, codeAtPosition.baseAddress, packed, absmax)
                }
            }
        }
    }

    /// Writes the dequantized values, `codebook[code] * absmax[block]` in float32, into `output`
    /// without allocating: the form a training loop calls every step.
    ///
    /// - Precondition: `output.count == count`.
    public func dequantize(into output: UnsafeMutableBufferPointer<Float>) {
        dequantize(into: output, level: .detected, bypassingCache: count >= Self.cacheBypassCount)
    }

    /// `dequantize(into:)` with its choices made by the caller, so tests can hold every path
    /// against the others on small tensors.
    func dequantize(into output: UnsafeMutableBufferPointer<Float>, level: qlora_vector_level, bypassingCache: Bool) {
        precondition(output.count == count, "output holds \(output.count) values, expected \(count)")
        let blocksize = self.blocksize
        let count = self.count
        let blockCount = absmax.count
        let bypassCache: Int32 = bypassingCache ? 1 : 0
        type.codebook.withUnsafeBufferPointer { codebook in
            packed.withUnsafeBufferPointer { packed in
                absmax.withUnsafeBufferPointer { absmax in
                    guard let codebook = codebook.baseAddress, let packed = packed.baseAddress,
                        let absmax = absmax.baseAddress, let output = output.baseAddress
                    else { return }
                    Self.forEachChunk(ofBlocks: blockCount, blocksize: blocksize) { blocks in
                        qlora_dequantize_four_bit(
                            level, packed, absmax, count, blocksize, blocks.lowerBound, blocks.upperBound,
                            codebook, bypassCache, output)
                    }
                }
            }
        }
    }

    /// Runs `body` over ranges of whole blocks, on every core when the tensor is big enough for
    /// threads to pay off. Blocks are independent, so the split never changes a result.
    static func forEachChunk(
        ofBlocks blockCount: Int, blocksize: Int, valuesPerThreadWorthIt: Int = 1 << 18, _ body: (Range<Int>) -> Void
    ) {
        let chunkCount = min(Cores.available * 4, blockCount * blocksize / valuesPerThreadWorthIt)
        guard chunkCount > 1 else {
            body(0..<blockCount)
            return
        }
        let blocksPerChunk = (blockCount + chunkCount - 1) / chunkCount
        withoutActuallyEscaping(body) { body in
            // Each chunk reads and writes only its own blocks, so running them at once is safe.
            nonisolated(unsafe) let body = body
            DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
                let start = chunk * blocksPerChunk
                body(start..<min(start + blocksPerChunk, blockCount))
            }
        }
    }
}
