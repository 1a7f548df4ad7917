import Foundation

/// A LoRA adapter as peft saves it: `adapter_config.json` and `adapter_model.safetensors`.
///
/// Each adapted linear `W` (`out` x `in`) has `A` (`r` x `in`) and `B` (`out` x `r`) and computes
/// `W x + scaling · B A x`; peft stores them as `base_model.model.<module>.lora_A.weight` and
/// `...lora_B.weight`, `<module>` being transformers' path (`model.layers.0.self_attn.q_proj`).
public struct PeftAdapter {
    /// What `adapter_config.json` says.
    public var configuration: PeftAdapterConfiguration
    /// The settings a model attaches the adapter with.
    public var settings: LlamaLoRASettings
    /// Every A and B by peft's name.
    public var tensors: [String: Tensor]

    /// The file names of a peft adapter folder.
    public static let configFileName = "adapter_config.json"
    public static let weightsFileName = "adapter_model.safetensors"

    /// The adapter attached to `model`, nil when it has none; `baseModelNameOrPath` is recorded in
    /// `adapter_config.json` so peft can find the base.
    public init?(of model: LlamaModel, baseModelNameOrPath: String? = nil) {
        guard let settings = model.adapterSettings else { return nil }
        self.settings = settings
        configuration = PeftAdapterConfiguration(settings, baseModelNameOrPath: baseModelNameOrPath)
        tensors = model.adapterTensors()
    }

    /// Reads the adapter folder at `path` for a model of `model`'s shape, as `PeftModel.from_pretrained` does.
    ///
    /// - Throws: `InputError` naming the file when the adapter is not a LoRA adapter the engine
    ///   computes, names modules the model lacks, misses a targeted module's matrices, holds a
    ///   tensor for no targeted module, or was made for another shape (rank or widths).
    public init(folder path: String, for model: LlamaConfiguration) throws {
        let configPath = LlamaModel.path(path, Self.configFileName)
        configuration = try PeftAdapterConfiguration(
            adapterConfigJSON: LlamaModel.readFolderFile(configPath, folder: path), source: configPath)
        settings = try configuration.settings(for: model, source: configPath)

        let weightsPath = LlamaModel.path(path, Self.weightsFileName)
        let file = try SafetensorsFile(path: weightsPath)
        let rank = settings.lora.rank
        tensors = [:]
        for layer in 0..<model.layerCount {
            for projection in settings.targets {
                let shape = projection.shape(in: model)
                for (matrix, expected) in [(LlamaModel.AdapterMatrix.a, [rank, shape[1]]), (.b, [shape[0], rank])] {
                    let name = LlamaModel.adapterName(projection, layer: layer, matrix: matrix)
                    guard file.names.contains(name) else {
                        throw InputError(weightsPath, "has no tensor '\(name)'; expected \(expected) for every module target_modules names")
                    }
                    let array = try file.array(named: name)
                    guard array.shape == expected else {
                        throw InputError(
                            weightsPath,
                            "tensor '\(name)' has shape \(array.shape); expected \(expected) (r \(rank) in \(Self.configFileName), the model's \(shape[0]) x \(shape[1]) linear)")
                    }
                    tensors[name] = try array.finiteTensor(source: "\(weightsPath): \(name)")
                }
            }
        }
        if let stray = file.names.first(where: { tensors[$0] == nil }) {
            throw InputError(
                weightsPath, "holds '\(stray)', which adapts no module of the model that target_modules names; expected only lora_A and lora_B of those")
        }
    }

    /// Writes the adapter as peft's `save_pretrained` does: `adapter_config.json` and float32
    /// `adapter_model.safetensors` under peft's names.
    public func write(folder path: String) throws {
        try LlamaModel.makeFolder(path)
        try FileContents.write(configuration.adapterConfigJSON, to: LlamaModel.path(path, Self.configFileName))
        try SafetensorsFile.write(
            tensors.mapValues(StoredArray.init), metadata: ["format": "pt"], to: LlamaModel.path(path, Self.weightsFileName))
    }

    /// The number of values the adapter trains, as peft's `print_trainable_parameters` counts them.
    public var parameterCount: Int { tensors.values.reduce(0) { $0 + $1.count } }
}

extension LlamaModel {
    /// Attaches `adapter` (replacing any adapters already attached).
    public mutating func load(_ adapter: PeftAdapter) throws {
        try loadAdapters(adapter.tensors, settings: adapter.settings)
    }
}

extension PeftAdapter: Sendable {}
