import CQLoRAKernels

/// The frozen weight under a LoRA adapter: kept as float32 (LoRA) or packed (QLoRA).
///
/// QLoRA never trains this weight and never keeps it in float32: each forward and backward pass
/// dequantizes it again. Here dequantization happens inside the matrix product, a panel at a time,
/// so the weight costs its packed bytes and nothing more.
public enum FrozenBase {
    /// An unquantized `out` x `in` weight, as plain LoRA keeps it.
    case float32(Tensor)
    /// NF4 or FP4 in blocks, as bitsandbytes stores a QLoRA base.
    case fourBit(FourBitQuantized)
    /// Symmetric absmax int4 or int8, for comparison.
    case integer(AbsmaxIntegerQuantized)

    /// The formats a base can be stored in.
    public enum Format: String, CaseIterable {
        case float32, nf4, fp4, int4, int8
    }

    /// Stores `weight` (`out` x `in`) in `format`, in blocks of `blocksize` for the quantized formats.
    ///
    /// - Throws: `InputError` when the quantizer cannot take the weight or the blocksize.
    public init(quantizing weight: Tensor, format: Format, blocksize: Int = 64, doubleQuantization: Bool = false) throws {
        switch format {
        case .float32: self = .float32(weight)
        case .nf4: self = .fourBit(try FourBitQuantized(quantizing: weight, type: .nf4, blocksize: blocksize, doubleQuantization: doubleQuantization))
        case .fp4: self = .fourBit(try FourBitQuantized(quantizing: weight, type: .fp4, blocksize: blocksize, doubleQuantization: doubleQuantization))
        case .int4: self = .integer(try AbsmaxIntegerQuantized(quantizing: weight, bits: 4, blocksize: blocksize))
        case .int8: self = .integer(try AbsmaxIntegerQuantized(quantizing: weight, bits: 8, blocksize: blocksize))
        }
    }
}

extension FrozenBase {
    /// The weight's shape, `[out, in]`.
    public var shape: [Int] {
        switch self {
        case .float32(let weight): weight.shape
        case .fourBit(let packed): packed.shape
        case .integer(let packed): packed.shape
        }
    }

    /// Output features: rows of the weight.
    public var outFeatures: Int { shape.first ?? 0 }

    /// Input features: columns of the weight.
    public var inFeatures: Int { shape.count < 2 ? 0 : shape[1] }

    /// The format the weight is stored in.
    public var format: Format {
        switch self {
        case .float32: .float32
        case .fourBit(let packed): packed.type == .nf4 ? .nf4 : .fp4
        case .integer(let packed): packed.bits == 4 ? .int4 : .int8
        }
    }

    /// The blocksize of a quantized base, nil for float32 or one scale per tensor.
    public var blocksize: Int? {
        switch self {
        case .float32: nil
        case .fourBit(let packed): packed.blocksize
        case .integer(let packed): packed.blocksize
        }
    }

    /// The float32 weight the base stands for.
    public func dequantized() -> Tensor {
        switch self {
        case .float32(let weight): weight
        case .fourBit(let packed): packed.dequantized()
        case .integer(let packed): packed.dequantized()
        }
    }

    /// Every buffer the base really keeps, with its real byte size.
    public var storedBuffers: [StoredBuffer] {
        switch self {
        case .float32(let weight): [.float32("weight", count: weight.count)]
        case .fourBit(let packed): packed.storedBuffers
        case .integer(let packed): packed.storedBuffers
        }
    }

    /// Bytes of every buffer the base keeps.
    public var storedBytes: Int { storedBuffers.reduce(0) { $0 + $1.bytes } }

    /// x Wᵀ for a batch `x` (any shape ending in `in`): the layer's output without an adapter.
    public func product(_ x: Tensor) -> Tensor {
        precondition(x.columns == inFeatures, "expected \(inFeatures) features, got \(x.columns)")
        var output = [Float](repeating: 0, count: x.rows * outFeatures)
        var panels = [Float](repeating: 0, count: MatrixMultiply.panelScratchCount(threads: 1))
        x.scalars.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { output in
                panels.withUnsafeMutableBufferPointer { panels in
                    _ = multiply(MatrixMultiply.Operand(input, rows: x.rows, columns: inFeatures), transposed: true, into: output, panels: panels)
                }
            }
        }
        return Tensor(shape: Array(x.shape.dropLast()) + [outFeatures], scalars: output)
    }

    /// Computes `c = scale · a · W`, or `a · Wᵀ` when `transposed`, adding to `c` when `accumulate`
    /// or to `addend` when one is given.
    ///
    /// A packed weight is decoded inside the product, a panel at a time (`PackedWeightPanels`), so
    /// no float32 copy of it is made and nothing is allocated.
    ///
    /// - Returns: what the product did; its `packedValues` are the weights it dequantized, 0 for
    ///   a float32 base.
    @discardableResult
    func multiply(
        _ a: MatrixMultiply.Operand, transposed: Bool, into c: UnsafeMutableBufferPointer<Float>,
        scale: Float = 1, accumulate: Bool = false, adding addend: UnsafeBufferPointer<Float>? = nil,
        panels: UnsafeMutableBufferPointer<Float>, threads: Int = 1, vectorLevel: qlora_vector_level = .detected
    ) -> MatrixMultiply.Work {
        var work = read(
            transposed: transposed,
            Product(a: a, c: c, scale: scale, accumulate: accumulate, addend: addend, panels: panels, threads: threads, vectorLevel: vectorLevel))
        if case .float32 = self { work.packedValues = 0 }  // copied, not dequantized
        return work
    }

    /// `multiply`'s product, given W as a panel source.
    private struct Product: PanelSourceReader {
        let a: MatrixMultiply.Operand
        let c: UnsafeMutableBufferPointer<Float>
        let scale: Float
        let accumulate: Bool
        let addend: UnsafeBufferPointer<Float>?
        let panels: UnsafeMutableBufferPointer<Float>
        let threads: Int
        let vectorLevel: qlora_vector_level

        func read(_ b: some PanelSource) -> MatrixMultiply.Work {
            MatrixMultiply.multiply(
                a, b, into: c, scale: scale, accumulate: accumulate, adding: addend, panels: panels, threads: threads,
                vectorLevel: vectorLevel)
        }
    }

    /// Hands W (or Wᵀ when `transposed`) to `reader` as a panel source: float32 values copied, or
    /// packed codes decoded, a panel at a time.
    func read<Reader: PanelSourceReader>(transposed: Bool, _ reader: Reader) -> Reader.Result {
        let (out, inFeatures) = (outFeatures, self.inFeatures)
        switch self {
        case .float32(let weight):
            return weight.scalars.withUnsafeBufferPointer { values in
                let w = MatrixMultiply.Operand(values, rows: out, columns: inFeatures)
                return reader.read(transposed ? w.transposed : w)
            }
        case .fourBit(let packed):
            return packed.packed.withUnsafeBufferPointer { codes in
                packed.type.codebook.withUnsafeBufferPointer { codebook in
                    packed.absmax.withUnsafeBufferPointer { absmax in
                        reader.read(PackedWeightPanels(
                            codes: codes.baseAddress.unsafelyUnwrapped, codebook: codebook.baseAddress,
                            scales: absmax.baseAddress.unsafelyUnwrapped, blocksize: packed.blocksize,
                            out: out, in: inFeatures, transposed: transposed))
                    }
                }
            }
        case .integer(let packed):
            return packed.codes.withUnsafeBufferPointer { codes in
                packed.scales.withUnsafeBufferPointer { scales in
                    codes.withMemoryRebound(to: UInt8.self) { codes in
                        reader.read(PackedWeightPanels(
                            codes: codes.baseAddress.unsafelyUnwrapped, codebook: nil,
                            scales: scales.baseAddress.unsafelyUnwrapped,
                            blocksize: packed.blocksize ?? max(1, packed.codes.count), out: out, in: inFeatures,
                            transposed: transposed))
                    }
                }
            }
        }
    }
}

/// What is done with a weight once its storage format is known: the one generic step that
/// `FrozenBase.read(transposed:_:)` leads to from a switch over the formats.
protocol PanelSourceReader {
    associatedtype Result
    func read(_ b: some PanelSource) -> Result
}

extension FrozenBase: Sendable {}
extension FrozenBase.Format: Sendable {}
