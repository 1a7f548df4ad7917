import Dispatch
import Foundation

// The hot loops of 4-bit quantization: whole blocks with SIMD on raw pointers, big tensors split
// across cores by whole blocks, so the result is the same bit for bit on any number of threads.

extension FourBitQuantized {
    /// Fills `packed` and `absmax` for `values` (bitsandbytes' rule: `CodebookSearch.quantizeBlockwise`).
    static func quantize(
        _ values: UnsafeBufferPointer<Float>, blocksize: Int, search: CodebookSearch,
        packed: UnsafeMutableBufferPointer<UInt8>, absmax: UnsafeMutableBufferPointer<Float>
    ) {
        let fullBlocks = values.count / blocksize
        let kernel = FourBitKernel(search)
        if let values = values.baseAddress, let packed = packed.baseAddress, let absmax = absmax.baseAddress {
            forEachChunk(ofBlocks: fullBlocks, blocksize: blocksize) { blocks in
                for block in blocks {
                    absmax[block] = kernel.quantizeFullBlock(
                        values + block * blocksize, count: blocksize, packed: packed + block * blocksize / 2)
                }
            }
        }
        // The last, shorter block (and an odd count's padding) is at most one block: plain Swift.
        let tailStart = fullBlocks * blocksize
        guard tailStart < values.count else { return }
        var codes = [UInt8](repeating: 0, count: values.count - tailStart)
        codes.withUnsafeMutableBufferPointer { codes in
            search.quantizeBlockwise(
                UnsafeBufferPointer(rebasing: values[tailStart...]), blocksize: blocksize,
                codes: codes, absmax: UnsafeMutableBufferPointer(rebasing: absmax[fullBlocks...]))
        }
        let tailPacked = Nibbles.pack(codes, padding: search.code(of: 0))
        for (offset, byte) in tailPacked.enumerated() { packed[tailStart / 2 + offset] = byte }
    }

    /// Writes the dequantized values, `codebook[code] * absmax[block]` in float32, into `output`
    /// without allocating: the form a training loop calls every step.
    ///
    /// - Precondition: `output.count == count`.
    public func dequantize(into output: UnsafeMutableBufferPointer<Float>) {
        precondition(output.count == count, "output holds \(output.count) values, expected \(count)")
        let blocksize = self.blocksize
        let count = self.count
        let blockCount = self.absmax.count
        type.bytePairs.withUnsafeBufferPointer { pairs in
            packed.withUnsafeBufferPointer { packed in
                absmax.withUnsafeBufferPointer { absmax in
                    guard let pairs = pairs.baseAddress, let packed = packed.baseAddress,
                        let absmax = absmax.baseAddress, let output = output.baseAddress
                    else { return }
                    Self.forEachChunk(ofBlocks: blockCount, blocksize: blocksize) { blocks in
                        for block in blocks {
                            // Blocks start at even indices (every blocksize is even), so each byte
                            // of the block holds two of its values: one lookup, one multiply.
                            let scale = absmax[block]
                            let start = block * blocksize
                            let end = min(start + blocksize, count)
                            var index = start
                            while index + 1 < end {
                                let values = pairs[Int(packed[index / 2])] * scale
                                UnsafeMutableRawPointer(output + index).storeBytes(of: values, as: SIMD2<Float>.self)
                                index += 2
                            }
                            if index < end {
                                output[index] = pairs[Int(packed[index / 2])].x * scale
                            }
                        }
                    }
                }
            }
        }
    }

    /// The cores this process may use, read once: asking Foundation allocates every time.
    static let processorCount = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Runs `body` over ranges of whole blocks, on every core when the tensor is big enough for
    /// threads to pay off. Blocks are independent, so the split never changes a result.
    static func forEachChunk(
        ofBlocks blockCount: Int, blocksize: Int, valuesPerThreadWorthIt: Int = 1 << 18, _ body: (Range<Int>) -> Void
    ) {
        let chunkCount = min(processorCount * 4, blockCount * blocksize / valuesPerThreadWorthIt)
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
