/// The QLoRA paper's comparison of 4-bit data types (Dettmers et al. 2023, Table 2) run on one model:
/// the float model, and the same model with every decoder linear stored in each 4-bit type, all
/// scored by their loss on the same held-out text.
///
/// The embedding, the norms and `lm_head` stay float32, as bitsandbytes leaves them; only the
/// decoder linears (the weights QLoRA freezes in 4 bits) change between the entries.
public struct QuantizedLlamaComparison {
    /// Which types to store the linears in, and how.
    public struct Settings: Equatable, Sendable {
        /// The 4-bit types, in the order they are measured.
        public var formats: [FrozenBase.Format] = [.int4, .fp4, .nf4]
        /// Values per absmax block.
        public var blocksize = 64
        /// Quantize the absmax values of NF4 and FP4 to 8 bits too; int4 keeps float32 scales.
        public var doubleQuantization = false
        /// Sequences scored per forward pass.
        public var batchSize = 8
        /// Threads the kernels use; the losses do not depend on it.
        public var threads = 1

        public init() {}
    }

    /// One way of storing the linears, and what it cost and kept.
    public struct Entry: Equatable, Sendable {
        /// How the decoder linears were stored.
        public var format: FrozenBase.Format
        /// The model's loss on the sequences.
        public var evaluation: LlamaModel.Evaluation
        /// Bytes the decoder linears keep, codebooks included.
        public var linearBytes: Int
        /// Bits per decoder-linear weight, codebooks left out, as the paper counts them.
        public var bitsPerParameter: Double
        /// How the codes were spent over every linear; nil for float32.
        public var codeUsage: CodeUsage?
        /// Mean squared difference between the stored and the float weights, over every linear.
        public var weightMeanSquaredError: Double
    }

    /// The settings it ran with.
    public let settings: Settings
    /// The float model.
    public let float: Entry
    /// Each type of `settings.formats`, in order.
    public let quantized: [Entry]

    /// Quantizes `model`'s linears in each type and scores every version on `sequences`, checking
    /// `isCancelled` before each quantization and each evaluation.
    ///
    /// - Parameter model: a model whose decoder linears are float32.
    /// - Throws: `InputError` for a blocksize the quantizers reject or sequences the model cannot
    ///   read; `CancellationError` once `isCancelled` turns true.
    public init(
        model: LlamaModel, sequences: [[Int]], settings: Settings = Settings(), isCancelled: () -> Bool = { false }
    ) throws {
        guard model.layers.allSatisfy({ $0.projections.allSatisfy { $0.base.format == .float32 } }) else {
            throw InputError("model", "expected float32 decoder linears to quantize, got a quantized model")
        }
        self.settings = settings
        func entry(_ candidate: LlamaModel) throws -> Entry {
            if isCancelled() { throw CancellationError() }
            let evaluation = try candidate.evaluate(sequences, batchSize: settings.batchSize, threads: settings.threads)
            var usage: CodeUsage?
            var (bytes, counted, values, squaredError) = (0, 0, 0, 0.0)
            for (layer, original) in zip(candidate.layers, model.layers) {
                for (linear, reference) in zip(layer.projections, original.projections) {
                    let buffers = linear.base.storedBuffers
                    bytes += buffers.reduce(0) { $0 + $1.bytes }
                    counted += buffers.filter { !$0.isCodebook }.reduce(0) { $0 + $1.bytes }
                    values += reference.base.shape.reduce(1, *)
                    if let codes = CodeUsage(linear.base) { usage = (usage ?? CodeUsage()).adding(codes) }
                    for (stored, weight) in zip(linear.base.dequantized().scalars, reference.base.dequantized().scalars) {
                        squaredError += Double(stored - weight) * Double(stored - weight)
                    }
                }
            }
            return Entry(
                format: candidate.layers.first?.projections.first?.base.format ?? .float32, evaluation: evaluation,
                linearBytes: bytes, bitsPerParameter: 8 * Double(counted) / Double(max(values, 1)), codeUsage: usage,
                weightMeanSquaredError: squaredError / Double(max(values, 1)))
        }
        float = try entry(model)
        quantized = try settings.formats.map { format in
            if isCancelled() { throw CancellationError() }
            return try entry(try model.quantized(
                format, blocksize: settings.blocksize, doubleQuantization: settings.doubleQuantization && format != .int4))
        }
    }

    /// The entry of `format`, nil when it was not measured.
    public func entry(_ format: FrozenBase.Format) -> Entry? {
        format == .float32 ? float : quantized.first { $0.format == format }
    }
}

extension QuantizedLlamaComparison: Sendable {}
