/// A frozen weight read by the matrix kernel straight from its packed codes: the fused
/// dequantize-and-multiply path of a QLoRA layer.
///
/// The stored weight W is `out` x `in`, row-major. As B it is read either as W (for dL/dx = g W)
/// or as Wᵀ (for y = x Wᵀ); element e of the flattened weight decodes to
/// `level(e) * scale[e / blocksize]`: a 4-bit code looked up in the codebook, or an integer code.
/// The values are bit for bit those `dequantized()` returns.
struct PackedWeightPanels: PanelSource {
    /// How one value is stored.
    enum Codes {
        /// Two 4-bit codes per byte, element 2k in the high nibble, and the 16-entry codebook.
        case fourBit(packed: UnsafePointer<UInt8>, codebook: UnsafePointer<Float>)
        /// One signed integer code per value.
        case integer(UnsafePointer<Int8>)
    }

    let codes: Codes
    /// One scale per block: absmax for 4-bit, absmax / largest code for integers.
    let scales: UnsafePointer<Float>
    /// Values per scale.
    let blocksize: Int
    /// Columns of the stored weight: the stride between its rows.
    let storedColumns: Int
    let transposed: Bool
    let rows: Int
    let columns: Int

    /// Reads a stored `out` x `in` weight as W, or as Wᵀ when `transposed`.
    init(codes: Codes, scales: UnsafePointer<Float>, blocksize: Int, out: Int, in inFeatures: Int, transposed: Bool) {
        self.codes = codes
        self.scales = scales
        self.blocksize = blocksize
        storedColumns = inFeatures
        self.transposed = transposed
        rows = transposed ? inFeatures : out
        columns = transposed ? out : inFeatures
    }

    @inline(__always)
    func value(at element: Int) -> Float {
        let scale = scales[element / blocksize]
        switch codes {
        case .fourBit(let packed, let codebook):
            let byte = packed[element >> 1]
            return codebook[Int(element & 1 == 0 ? byte >> 4 : byte & 0x0F)] * scale
        case .integer(let codes):
            return Float(codes[element]) * scale
        }
    }

    func pack(rows: Range<Int>, columns: Range<Int>, into panel: UnsafeMutablePointer<Float>) {
        guard transposed else {
            packElements(rows: rows, columns: columns, into: panel) { p, j in value(at: p * storedColumns + j) }
            return
        }
        // B(p, j) = W[j, p]: decode each stored row j along p, in storage order, into panel column j.
        let width = MatrixMultiply.panelWidth
        for j in 0..<width {
            let destination = panel + j
            guard j < columns.count else {
                for offset in 0..<rows.count { destination[offset * width] = 0 }
                continue
            }
            let rowStart = (columns.lowerBound + j) * storedColumns
            decode(rowStart + rows.lowerBound..<rowStart + rows.upperBound, into: destination, stride: width)
        }
    }

    /// Writes the values of `elements` (consecutive in storage) to `destination`, `stride` apart,
    /// fetching each block's scale once and, for 4-bit codes, decoding a byte's two codes together.
    @inline(__always)
    private func decode(_ elements: Range<Int>, into destination: UnsafeMutablePointer<Float>, stride: Int) {
        var output = destination
        var element = elements.lowerBound
        while element < elements.upperBound {
            let block = element / blocksize
            let blockEnd = min(elements.upperBound, (block + 1) * blocksize)
            let scale = scales[block]
            switch codes {
            case .integer(let codes):
                while element < blockEnd {
                    output.pointee = Float(codes[element]) * scale
                    output += stride
                    element += 1
                }
            case .fourBit(let packed, let codebook):
                if element & 1 == 1 {
                    output.pointee = codebook[Int(packed[element >> 1] & 0x0F)] * scale
                    output += stride
                    element += 1
                }
                while element + 1 < blockEnd {
                    let byte = packed[element >> 1]
                    output.pointee = codebook[Int(byte >> 4)] * scale
                    output[stride] = codebook[Int(byte & 0x0F)] * scale
                    output += 2 * stride
                    element += 2
                }
                if element < blockEnd {
                    output.pointee = codebook[Int(packed[element >> 1] >> 4)] * scale
                    output += stride
                    element += 1
                }
            }
        }
    }
}
