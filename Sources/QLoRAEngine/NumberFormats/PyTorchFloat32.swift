/// The float32 arithmetic of PyTorch's CPU kernels that bitsandbytes' reference values depend on.
///
/// bitsandbytes builds its codebooks with `torch.linspace` and takes the double-quantization offset
/// with `Tensor.mean()`. Both round differently from the textbook formulas (a fused multiply-add,
/// a cascade of partial sums), and a value one ulp off changes a code. So they are written out here.
enum PyTorchFloat32 {
    /// `torch.linspace(start, end, count, dtype=torch.float32)`, bit for bit.
    ///
    /// The step is computed in float32; the first half counts up from `start` and the second half
    /// down from `end`, each value one fused multiply-add, so both ends are exact.
    static func linspace(from start: Float, to end: Float, count: Int) -> [Float] {
        guard count > 1 else { return count == 1 ? [start] : [] }
        let step = (end - start) / Float(count - 1)
        let halfway = count / 2
        return (0..<count).map { index in
            index < halfway
                ? start.addingProduct(step, Float(index))
                : end.addingProduct(-step, Float(count - index - 1))
        }
    }

    /// `torch.mean` of a contiguous float32 vector: the cascade sum below, divided by the count in float32.
    static func mean(_ values: [Float]) -> Float {
        values.isEmpty ? .nan : sum(values) / Float(values.count)
    }

    /// The lane count of PyTorch's vectorized float32 sum: 8, measured against `torch.sum` on an
    /// AVX-512 machine (its sum kernel still runs 8-lane vectors there).
    static let sumVectorWidth = 8

    /// The number of accumulators ATen keeps side by side for instruction-level parallelism.
    private static let parallelAccumulators = 4

    /// `torch.sum` of a contiguous float32 vector on one thread, bit for bit (ATen's `SumKernel.cpp`).
    ///
    /// From 8 values on, PyTorch loads them as vectors of 8 lanes and keeps four vector accumulators
    /// side by side; each accumulator is itself a cascade of four levels, so that only partial sums
    /// of similar size are added. The four accumulators are added in order, the leftover values
    /// (fewer than 8) are summed one by one, and the 8 lanes are added to that last. Fewer than 8
    /// values take the same path with single values for vectors.
    ///
    /// PyTorch splits a sum of more than 32768 values across its threads, which changes the last
    /// bits with the thread count; this is the one-thread result, the same on every machine.
    static func sum(_ values: [Float]) -> Float {
        values.withUnsafeBufferPointer { data in
            let width = values.count >= sumVectorWidth ? sumVectorWidth : 1
            let vectorCount = values.count / width
            // row_sum over vectors: `parallelAccumulators` interleaved accumulators, each a cascade.
            let rowCount = vectorCount / parallelAccumulators
            var partial = cascadeSum(data, rows: rowCount, width: width)
            for vector in (rowCount * parallelAccumulators)..<vectorCount {
                for lane in 0..<width { partial[lane] += data[vector * width + lane] }
            }
            for accumulator in 1..<parallelAccumulators {
                for lane in 0..<width { partial[lane] += partial[accumulator * width + lane] }
            }
            guard width > 1 else { return partial[0] }
            var total: Float = 0
            for index in (vectorCount * width)..<values.count { total += data[index] }
            for lane in 0..<width { total += partial[lane] }
            return total
        }
    }

    /// ATen's `multi_row_sum`: `parallelAccumulators` vectors of `width` lanes summed over `rows`
    /// rows, where row r holds the vectors r·4 ..< (r+1)·4. Each accumulator is a cascade of 4 levels:
    /// level 0 takes `levelStep` rows, then flows into level 1, and so on.
    /// Returns the accumulators' lanes, accumulator-major.
    private static func cascadeSum(_ data: UnsafeBufferPointer<Float>, rows: Int, width: Int) -> [Float] {
        let levelCount = 4
        let levelPower = max(4, ceilLog2(rows) / levelCount)
        let levelStep = 1 << levelPower
        let levelMask = levelStep - 1
        let rowLength = parallelAccumulators * width
        // Level l's accumulators are levels[l * rowLength ..< (l + 1) * rowLength].
        var levels = [Float](repeating: 0, count: levelCount * rowLength)
        levels.withUnsafeMutableBufferPointer { levels in
            func addRow(_ row: Int) {
                for index in 0..<rowLength { levels[index] += data[row * rowLength + index] }
            }
            var row = 0
            while row + levelStep <= rows {
                for _ in 0..<levelStep {
                    addRow(row)
                    row += 1
                }
                for level in 1..<levelCount {
                    for index in 0..<rowLength {
                        levels[level * rowLength + index] += levels[(level - 1) * rowLength + index]
                        levels[(level - 1) * rowLength + index] = 0
                    }
                    if row & (levelMask << (level * levelPower)) != 0 { break }
                }
            }
            while row < rows {
                addRow(row)
                row += 1
            }
            for level in 1..<levelCount {
                for index in 0..<rowLength { levels[index] += levels[level * rowLength + index] }
            }
        }
        return Array(levels.prefix(rowLength))
    }

    /// ATen's `CeilLog2`: 1 for values up to 2, otherwise the ceiling of log2.
    private static func ceilLog2(_ value: Int) -> Int {
        value <= 2 ? 1 : Int.bitWidth - (value - 1).leadingZeroBitCount
    }
}
