import Foundation

extension LlamaModel {
    /// The file names of a Hugging Face model folder.
    public static let configFileName = "config.json"
    public static let weightsFileName = "model.safetensors"

    /// Reads the model folder at `path` (`config.json` and `model.safetensors`), as
    /// `LlamaForCausalLM.from_pretrained` does.
    ///
    /// `model.safetensors` may hold F32, F16 or BF16 tensors, widened exactly to float32. When
    /// `config.json` has a bitsandbytes `quantization_config` (a folder transformers saved in 4
    /// bits), each decoder linear stored in bitsandbytes' layout becomes an NF4 or FP4 base, with or
    /// without double quantization, decoded on the fly as bitsandbytes decodes it. Tensors the
    /// model does not use (such as an old rotary `inv_freq` buffer) are ignored, as transformers does.
    /// - Throws: `InputError` naming the file and what was expected: another `model_type`, a
    ///   missing or misshapen tensor, a quantization the engine does not read.
    public init(folder path: String) throws {
        let configPath = Self.path(path, Self.configFileName)
        let configBytes = try Self.readFolderFile(configPath, folder: path)
        let configuration = try LlamaConfiguration(configJSON: configBytes, source: configPath)
        let quantization = try JSONObject(decoding: configBytes, source: configPath).object("quantization_config")
        if let quantization {
            try quantization.require(
                "quant_method", toBe: .string("bitsandbytes"), because: "the engine reads bitsandbytes' 4-bit layout")
            guard try quantization.bool("load_in_4bit", default: false) else {
                throw InputError(quantization.source, "load_in_4bit is not true; expected a 4-bit bitsandbytes checkpoint (8-bit is not read)")
            }
        }

        let weightsPath = Self.path(path, Self.weightsFileName)
        let file = try SafetensorsFile(decoding: Self.readFolderFile(weightsPath, folder: path), source: weightsPath)
        let fourBitNames = Set(BitsandbytesCheckpoint.weightNames(in: file))
        if !fourBitNames.isEmpty, quantization == nil {
            throw InputError(
                weightsPath, "holds bitsandbytes 4-bit weights but \(Self.configFileName) has no quantization_config; expected both or neither")
        }
        // Every layer has nine tensors of its own: a config asking for more layers than the file has
        // tensors is refused before its names are listed, which for 10^12 layers would never end.
        guard configuration.layerCount <= file.names.count else {
            throw InputError(
                weightsPath, "holds \(file.names.count) tensors, too few for num_hidden_layers \(configuration.layerCount) in \(Self.configFileName); expected \(2 + LlamaProjection.allCases.count) a layer")
        }
        var tensors: [String: Tensor] = [:]
        var quantizedLinears: [String: FrozenBase] = [:]
        for (name, shape) in Self.tensorShapes(of: configuration) {
            if fourBitNames.contains(name) {
                let weight = try BitsandbytesCheckpoint.weight(named: name, in: file)
                guard weight.shape == shape else {
                    throw InputError(weightsPath, "4-bit weight '\(name)' has shape \(weight.shape); expected \(shape) for this config")
                }
                quantizedLinears[name] = .fourBit(weight)
                continue
            }
            guard file.names.contains(name) else {
                throw InputError(weightsPath, "has no tensor '\(name)'; expected \(shape) for this config")
            }
            let array = try file.array(named: name)
            guard array.shape == shape else {
                throw InputError(weightsPath, "tensor '\(name)' has shape \(array.shape); expected \(shape) for this config")
            }
            tensors[name] = try array.finiteTensor(source: "\(weightsPath): \(name)")
        }
        try self.init(configuration: configuration, tensors: tensors, quantizedLinears: quantizedLinears)
    }

    /// Writes the model as `save_pretrained` does in float32: `config.json` and `model.safetensors`
    /// (tensors under transformers' names, metadata `format: pt`).
    ///
    /// A quantized linear is written dequantized, so the folder loads in plain transformers and
    /// computes what this model computes; a float32 model round-trips bit for bit. Adapters are not
    /// written here (`PeftAdapter`); merge them first to keep them in the model.
    /// - Throws: `InputError` when the folder cannot be made or written.
    public func write(folder path: String) throws {
        try Self.makeFolder(path)
        try FileContents.write(configuration.configJSON, to: Self.path(path, Self.configFileName))
        try SafetensorsFile.write(
            namedTensors().mapValues(StoredArray.init), metadata: ["format": "pt"], to: Self.path(path, Self.weightsFileName))
    }

    /// Every tensor a folder holds for a model of `configuration`, with its shape; `lm_head` only when untied.
    static func tensorShapes(of configuration: LlamaConfiguration) -> [(name: String, shape: [Int])] {
        let c = configuration
        var shapes = [(embeddingName, [c.vocabularySize, c.hiddenSize])]
        for layer in 0..<c.layerCount {
            shapes.append(("model.layers.\(layer).input_layernorm.weight", [c.hiddenSize]))
            shapes.append(("model.layers.\(layer).post_attention_layernorm.weight", [c.hiddenSize]))
            shapes += LlamaProjection.allCases.map { (weightName($0, layer: layer), $0.shape(in: c)) }
        }
        shapes.append((finalNormName, [c.hiddenSize]))
        if !c.tieWordEmbeddings { shapes.append((headName, [c.vocabularySize, c.hiddenSize])) }
        return shapes
    }

    /// `name` inside the folder `folder`.
    static func path(_ folder: String, _ name: String) -> String {
        URL(fileURLWithPath: folder).appendingPathComponent(name).path
    }

    /// The bytes of `path`, with a clearer message when the folder itself is what is missing.
    static func readFolderFile(_ path: String, folder: String) throws -> Data {
        var isDirectory: ObjCBool = false
        let expected = "expected a folder with \(URL(fileURLWithPath: path).lastPathComponent)"
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) else {
            throw InputError(folder, "no such folder; \(expected)")
        }
        guard isDirectory.boolValue else { throw InputError(folder, "is a file; \(expected)") }
        return try FileContents.read(path)
    }

    /// Creates the folder at `path` (and its parents) unless it exists: what a command that writes
    /// a folder does before its work, so that a path it cannot write is refused before, not after.
    public static func makeFolder(_ path: String) throws {
        guard !path.isEmpty else { throw InputError("--out", "expected a folder path, got an empty one") }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw InputError(path, "cannot be created; expected a folder path in a writable place")
        }
    }
}
