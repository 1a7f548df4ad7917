import Foundation

extension LlamaCheckpoint {
    /// The file names of a Hugging Face model folder.
    public static let configFileName = "config.json"
    public static let weightsFileName = "model.safetensors"

    /// Reads the model folder at `path`, as `LlamaForCausalLM.from_pretrained` does.
    ///
    /// `model.safetensors` may hold F32, F16 or BF16 tensors (widened exactly to float32). When
    /// `config.json` has a bitsandbytes `quantization_config` (a folder saved by transformers in
    /// 4 bits), each decoder linear saved in bitsandbytes' layout is read as an NF4 or FP4 base,
    /// with or without double quantization.
    /// - Throws: `InputError` naming the file and what was expected: another `model_type`, a
    ///   missing or misshapen tensor, a quantization the engine does not read.
    public init(folder path: String) throws {
        let configPath = Self.path(path, Self.configFileName)
        let configBytes = try Self.readFolderFile(configPath, folder: path)
        configuration = try LlamaConfiguration(configJSON: configBytes, source: configPath)
        let quantization = try JSONObject(decoding: configBytes, source: configPath).object("quantization_config")
        if let quantization {
            try quantization.require(
                "quant_method", toBe: .string("bitsandbytes"), because: "the engine reads bitsandbytes' 4-bit layout")
            guard try quantization.bool("load_in_4bit", default: false) else {
                throw InputError(
                    "\(configPath): quantization_config", "load_in_4bit is not true; expected a 4-bit bitsandbytes checkpoint (8-bit is not read)")
            }
        }

        let weightsPath = Self.path(path, Self.weightsFileName)
        let file = try SafetensorsFile(decoding: Self.readFolderFile(weightsPath, folder: path), source: weightsPath)
        let fourBitNames = Set(BitsandbytesCheckpoint.weightNames(in: file))
        if !fourBitNames.isEmpty, quantization == nil {
            throw InputError(
                weightsPath, "holds bitsandbytes 4-bit weights but \(Self.configFileName) has no quantization_config; expected both or neither")
        }
        tensors = [:]
        linears = [:]
        let linearNames = Set(linearNames)
        for (name, shape) in configuration.tensorShapes {
            if linearNames.contains(name), fourBitNames.contains(name) {
                let weight = try BitsandbytesCheckpoint.weight(named: name, in: file)
                guard weight.shape == shape else {
                    throw InputError(weightsPath, "4-bit weight '\(name)' has shape \(weight.shape); expected \(shape) for this config")
                }
                linears[name] = .fourBit(weight)
                continue
            }
            guard file.names.contains(name) else {
                throw InputError(weightsPath, "has no tensor '\(name)'; expected \(shape) for this config")
            }
            let array = try file.array(named: name)
            guard array.shape == shape else {
                throw InputError(weightsPath, "tensor '\(name)' has shape \(array.shape); expected \(shape) for this config")
            }
            let tensor = try array.tensor(source: "\(weightsPath): \(name)")
            if linearNames.contains(name) { linears[name] = .float32(tensor) } else { tensors[name] = tensor }
        }
    }

    /// Writes the model as `save_pretrained` does in float32: `config.json` and `model.safetensors`.
    ///
    /// A 4-bit linear is written dequantized, so the folder loads in plain transformers; a float32
    /// model round-trips bit for bit.
    /// - Throws: `InputError` when the folder cannot be made or written.
    public func write(folder path: String) throws {
        try Self.makeFolder(path)
        var arrays: [String: StoredArray] = [:]
        for (name, _) in configuration.tensorShapes {
            if let tensor = weight(named: name) { arrays[name] = StoredArray(tensor) }
        }
        try FileContents.write(configuration.configJSON, to: Self.path(path, Self.configFileName))
        try SafetensorsFile.write(arrays, metadata: ["format": "pt"], to: Self.path(path, Self.weightsFileName))
    }

    /// `name` inside the folder `folder`.
    static func path(_ folder: String, _ name: String) -> String {
        URL(fileURLWithPath: folder).appendingPathComponent(name).path
    }

    /// The bytes of `path`, with a clearer message when the folder itself is what is missing.
    static func readFolderFile(_ path: String, folder: String) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InputError(folder, "no such folder; expected a model folder with \(configFileName) and \(weightsFileName)")
        }
        return try FileContents.read(path)
    }

    /// Creates the folder at `path` (and its parents) unless it exists.
    static func makeFolder(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw InputError(path, "cannot be created; expected a folder path in a writable place")
        }
    }
}
