import Foundation

/// A LoRA adapter as peft saves it: `adapter_config.json` and `adapter_model.safetensors`.
///
/// Each adapted linear `W` (`out` x `in`) has `A` (`r` x `in`) and `B` (`out` x `r`), and computes
/// `W x + scaling · B A x`; peft stores them as `base_model.model.<module>.lora_A.weight` and
/// `...lora_B.weight`, where `<module>` is transformers' path, such as `model.layers.0.self_attn.q_proj`.
public struct PeftAdapter {
    /// One adapted linear's two matrices.
    public struct Matrices: Equatable {
        /// `lora_A`: `r` x `in`.
        public var a: Tensor
        /// `lora_B`: `out` x `r`.
        public var b: Tensor

        public init(a: Tensor, b: Tensor) {
            self.a = a
            self.b = b
        }
    }

    /// The settings.
    public var configuration: PeftAdapterConfiguration
    /// A and B of every adapted linear, by module path (`model.layers.0.self_attn.q_proj`).
    public var matrices: [String: Matrices]

    /// Creates an adapter from matrices already shaped for their modules.
    public init(configuration: PeftAdapterConfiguration, matrices: [String: Matrices]) {
        self.configuration = configuration
        self.matrices = matrices
    }

    /// The name peft gives the matrix `part` (`lora_A` or `lora_B`) of the module at `path`.
    public static func tensorName(module path: String, _ part: String) -> String {
        "base_model.model.\(path).\(part).weight"
    }

    /// The number of trainable parameters, as peft's `print_trainable_parameters` counts them.
    public var parameterCount: Int {
        matrices.values.reduce(0) { $0 + $1.a.count + $1.b.count }
    }
}

extension PeftAdapter {
    /// The file names of a peft adapter folder.
    public static let configFileName = "adapter_config.json"
    public static let weightsFileName = "adapter_model.safetensors"

    /// Reads the adapter folder at `path` for a model of `configuration`, as `PeftModel.from_pretrained` does.
    ///
    /// - Throws: `InputError` naming the file when the adapter is not a LoRA adapter the engine
    ///   computes, names modules the model lacks, misses a targeted module's matrices, holds a
    ///   tensor for no targeted module, or was made for another shape (rank or widths).
    public init(folder path: String, for model: LlamaConfiguration) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InputError(path, "no such folder; expected a peft adapter folder with \(Self.configFileName) and \(Self.weightsFileName)")
        }
        let configPath = LlamaCheckpoint.path(path, Self.configFileName)
        configuration = try PeftAdapterConfiguration(adapterConfigJSON: FileContents.read(configPath), source: configPath)
        let modules = try configuration.targetedModules(of: model, source: configPath)

        let weightsPath = LlamaCheckpoint.path(path, Self.weightsFileName)
        let file = try SafetensorsFile(path: weightsPath)
        let rank = configuration.lora.rank
        var expectedNames = Set<String>()
        matrices = [:]
        for module in modules {
            guard let shape = model.linearShape(module) else { continue }
            func read(_ part: String, _ expected: [Int]) throws -> Tensor {
                let name = Self.tensorName(module: module, part)
                expectedNames.insert(name)
                guard file.names.contains(name) else {
                    throw InputError(weightsPath, "has no tensor '\(name)'; expected \(expected) for every module target_modules names")
                }
                let array = try file.array(named: name)
                guard array.shape == expected else {
                    throw InputError(
                        weightsPath,
                        "tensor '\(name)' has shape \(array.shape); expected \(expected) (r \(rank) in \(Self.configFileName), the model's \(shape[0]) x \(shape[1]) linear)")
                }
                return try array.tensor(source: "\(weightsPath): \(name)")
            }
            matrices[module] = Matrices(a: try read("lora_A", [rank, shape[1]]), b: try read("lora_B", [shape[0], rank]))
        }
        if let stray = file.names.first(where: { !expectedNames.contains($0) }) {
            throw InputError(weightsPath, "holds '\(stray)', which adapts no module of the model that target_modules names; expected only lora_A and lora_B of those")
        }
    }

    /// Writes the adapter as peft's `save_pretrained` does: `adapter_config.json` and float32
    /// `adapter_model.safetensors` with peft's tensor names.
    public func write(folder path: String) throws {
        try LlamaCheckpoint.makeFolder(path)
        var arrays: [String: StoredArray] = [:]
        for (module, pair) in matrices {
            arrays[Self.tensorName(module: module, "lora_A")] = StoredArray(pair.a)
            arrays[Self.tensorName(module: module, "lora_B")] = StoredArray(pair.b)
        }
        try FileContents.write(configuration.adapterConfigJSON, to: LlamaCheckpoint.path(path, Self.configFileName))
        try SafetensorsFile.write(arrays, metadata: ["format": "pt"], to: LlamaCheckpoint.path(path, Self.weightsFileName))
    }
}

extension PeftAdapter: Sendable {}
extension PeftAdapter.Matrices: Sendable {}
