/// A tensor stored in fewer bits than float32, and everything needed to read it back.
///
/// Every quantizer in the engine returns one of these, so a lesson can set any two side by side:
/// what comes back (`dequantized()`), and what it costs (`storedBuffers`, `bitsPerParameter`).
public protocol QuantizedTensor: Sendable {
    /// The shape of the tensor that was quantized.
    var shape: [Int] { get }
    /// The float32 tensor the stored codes stand for.
    func dequantized() -> Tensor
    /// Every buffer that is really stored, with its real byte size.
    var storedBuffers: [StoredBuffer] { get }
}

extension QuantizedTensor {
    /// The number of values the quantized tensor stands for.
    public var parameterCount: Int { shape.reduce(1, *) }

    /// The bytes of every stored buffer, codebooks included: what the tensor costs on disk.
    public var storedBytes: Int { storedBuffers.reduce(0) { $0 + $1.bytes } }

    /// Bits stored per parameter, counted as the QLoRA paper counts them (sec. 3).
    ///
    /// The paper counts what grows with the tensor: 4 bits of code plus 32 bits of absmax per block
    /// of 64 is 4 + 32/64 = 4.5; with double quantization 4 + 8/64 + 32/(64·256) ≈ 4.127. Codebooks
    /// (`StoredBuffer.isCodebook`) are one fixed table per format and are left out; per-tensor scalars
    /// such as the double-quantization offset are counted, so a small tensor shows a little more.
    public var bitsPerParameter: Double {
        let bytes = storedBuffers.filter { !$0.isCodebook }.reduce(0) { $0 + $1.bytes }
        return parameterCount == 0 ? 0 : Double(bytes * 8) / Double(parameterCount)
    }

    /// Bits stored per parameter with the codebooks counted too: `storedBytes` spread over the values.
    public var bitsPerParameterIncludingCodebooks: Double {
        parameterCount == 0 ? 0 : Double(storedBytes * 8) / Double(parameterCount)
    }
}
