import Foundation

/// A Llama model's weights as a Hugging Face folder holds them: `config.json` and `model.safetensors`.
///
/// Every tensor keeps transformers' name (`model.layers.0.self_attn.q_proj.weight`). The decoder
/// linears are `FrozenBase`s, because a folder saved by transformers with `BitsAndBytesConfig`
/// holds them in NF4 or FP4 (bitsandbytes' layout); everything else (embedding, norms, `lm_head`)
/// is float32, as transformers keeps it in a 4-bit model too.
public struct LlamaCheckpoint {
    /// The shape of the model.
    public var configuration: LlamaConfiguration
    /// The embedding, the norms and `lm_head` (absent when tied), by tensor name.
    public var tensors: [String: Tensor]
    /// Every decoder linear's weight, by tensor name.
    public var linears: [String: FrozenBase]

    /// Creates a checkpoint from weights already checked against `configuration`.
    ///
    /// - Throws: `InputError` naming the first tensor that is missing or has the wrong shape.
    public init(configuration: LlamaConfiguration, tensors: [String: Tensor], linears: [String: FrozenBase]) throws {
        self.configuration = configuration
        self.tensors = tensors
        self.linears = linears
        try validate(source: "checkpoint")
    }

    /// The names of the decoder linears' weights, layer by layer.
    public var linearNames: [String] { configuration.linearModulePaths.map { $0 + ".weight" } }

    /// The float32 weight named `name`: a plain tensor, or a linear's (dequantized when 4-bit).
    public func weight(named name: String) -> Tensor? {
        tensors[name] ?? linears[name]?.dequantized()
    }

    /// Checks every tensor the configuration calls for is here with its shape.
    func validate(source: String) throws {
        for (name, shape) in configuration.tensorShapes {
            let found = linears[name]?.shape ?? tensors[name]?.shape
            guard let found else {
                throw InputError(source, "has no tensor '\(name)'; expected \(shape) for this config")
            }
            guard found == shape else {
                throw InputError(source, "tensor '\(name)' has shape \(found); expected \(shape) for this config")
            }
        }
    }
}

extension LlamaCheckpoint: Sendable {}
