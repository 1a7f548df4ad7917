import Foundation

/// The GPU memory one fine-tuning step needs, part by part, in bytes.
///
/// Each part follows from the parameter counts and the bytes each method keeps per value:
///
/// | method | weights | adapters | gradients | optimizer states (Adam) |
/// |---|---|---|---|---|
/// | full, fp32 Adam | 4 per parameter | - | 4 per parameter | 8 per parameter (m, v) |
/// | full, mixed precision | 2 per parameter | - | 2 per parameter | 12 per parameter (fp32 master, m, v) |
/// | LoRA | 2 per parameter | 4 per adapter value | 4 per adapter value | 8 per adapter value |
/// | QLoRA | 0.5 per decoder linear weight, 4 for the rest | 4 | 4 | 8 |
///
/// The rest of a QLoRA base (embeddings, norms, output head) is float32 because its recipe,
/// `prepare_model_for_kbit_training`, casts it so; under the lora recipe it stays 16-bit. A LoRA base
/// put through that recipe becomes float32 throughout, 4 bytes per parameter.
///
/// Mixed precision counts the fp32 master copy with the optimizer states, as the ZeRO paper does,
/// so full fine-tuning comes to 16 bytes per parameter before activations either way. Adapters are
/// float32 because peft upcasts float16 and bfloat16 adapter weights to float32 by default
/// (`autocast_adapter_dtype=True`); on a 4-bit base they are created in float32 to begin with.
/// They need no master copy, and their gradients are float32 like them.
public struct MemoryEstimate: Equatable {
    /// What is fine-tuned, how, and with which batch.
    public let configuration: Configuration
    /// The trainable and total parameters, as peft counts them.
    public let parameters: TrainableParameters
    /// The activations, term by term.
    public let activations: Activations
    private let partBytes: [Part: Int]

    /// Estimates the memory for `configuration`.
    ///
    /// - Throws: `InputError` when a setting is out of range (see `Configuration.validate()`).
    public init(_ configuration: Configuration) throws(InputError) {
        try configuration.validate()
        self.configuration = configuration
        let model = configuration.model
        let all = model.parameterCount
        let optimizerBytes = configuration.optimizer.stateBytesPerParameter
        activations = Activations(configuration)

        var bytes: [Part: Int]
        switch configuration.method {
        case .fullFP32:
            parameters = .fullFineTuning(model)
            bytes = [.weights: 4 * all, .gradients: 4 * all, .optimizerStates: optimizerBytes * all]
        case .fullMixedPrecision:
            parameters = .fullFineTuning(model)
            let masterWeights = 4 * all
            bytes = [.weights: 2 * all, .gradients: 2 * all, .optimizerStates: masterWeights + optimizerBytes * all]
        case .lora:
            parameters = .lora(model, rank: configuration.rank, targets: configuration.targets)
            bytes = Self.adapterTrainingBytes(adapters: parameters.trainable, optimizerBytes: optimizerBytes)
            bytes[.weights] = activations.setting.hiddenStateBytes * all
        case .qlora(let base):
            parameters = .lora(model, rank: configuration.rank, targets: configuration.targets)
            bytes = Self.adapterTrainingBytes(adapters: parameters.trainable, optimizerBytes: optimizerBytes)
            bytes[.weights] = base.weightBytes(
                of: model, unquantizedBytes: activations.setting.recipe?.unquantizedParameterBytes ?? 2)
            bytes[.quantizationConstants] = base.quantizationConstantBytes(of: model)
        }
        bytes[.activations] = activations.total
        partBytes = bytes
    }

    /// The adapters, their gradients and their optimizer states, all float32.
    private static func adapterTrainingBytes(adapters: Int, optimizerBytes: Int) -> [Part: Int] {
        [
            .adapterWeights: adapterBytesPerParameter * adapters,
            .gradients: adapterBytesPerParameter * adapters,
            .optimizerStates: optimizerBytes * adapters,
        ]
    }

    /// Bytes per adapter value: peft keeps LoRA's A and B in float32.
    public static let adapterBytesPerParameter = 4

    /// The amount of memory one part takes.
    public subscript(part: Part) -> Amount { Amount(bytes: partBytes[part, default: 0]) }

    /// The sum of every part.
    public var total: Amount { Amount(bytes: partBytes.values.reduce(0, +)) }

    /// The sum of every part but the activations: what the model and its training state take at rest.
    public var totalBeforeActivations: Amount { Amount(bytes: total.bytes - activations.total) }

    /// The common GPU sizes that hold the total.
    public var gpuFit: GPUFit { GPUFit(bytes: total.bytes) }
}

extension MemoryEstimate {
    /// A number of bytes, also read in decimal gigabytes and binary gibibytes.
    public struct Amount: Equatable, Comparable {
        /// The amount in bytes.
        public var bytes: Int

        /// An amount of `bytes` bytes.
        public init(bytes: Int) {
            self.bytes = bytes
        }

        /// The bytes in gigabytes of 10^9 bytes, the unit GPU memory is sold in.
        public var gigabytes: Double { Double(bytes) / 1e9 }

        /// The bytes in gibibytes of 2^30 bytes, the unit `nvidia-smi` and PyTorch report.
        public var gibibytes: Double { Double(bytes) / 1_073_741_824 }

        public static func < (lhs: Amount, rhs: Amount) -> Bool { lhs.bytes < rhs.bytes }
    }

    /// One part of the memory a training step holds.
    public enum Part: String, CaseIterable {
        /// The model's weights: all of them for full fine-tuning, the frozen base for LoRA and QLoRA.
        case weights
        /// The per-block scales a 4-bit base needs to dequantize (QLoRA only).
        case quantizationConstants = "quantization_constants"
        /// LoRA's A and B matrices (LoRA and QLoRA only).
        case adapterWeights = "adapter_weights"
        /// One gradient per trainable value.
        case gradients
        /// What the optimizer keeps per trainable value, with the fp32 master weights of mixed precision.
        case optimizerStates = "optimizer_states"
        /// What the forward pass keeps for the backward pass.
        case activations

        /// The part's name in words, such as `optimizer states`.
        public var title: String { rawValue.replacingOccurrences(of: "_", with: " ") }
    }
}

extension MemoryEstimate: Sendable {}
extension MemoryEstimate.Amount: Sendable {}
extension MemoryEstimate.Part: Sendable {}
