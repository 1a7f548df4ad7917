import FuzzDriver
import FuzzTinyLlama
import Foundation
import QLoRAEngine

/// Any bytes as a peft adapter folder for a tiny Llama: the adapter attached, or one `InputError`.
///
/// The first two bytes (little-endian) are the length of `adapter_config.json`, which follows;
/// the rest is `adapter_model.safetensors`.
@main
enum FuzzPeftAdapter {
    static func main() {
        let folder = FuzzTinyLlama.scratchFolder("peft-adapter")
        let configuration = FuzzTinyLlama.configuration
        guard let model = try? LlamaModel(configuration: configuration, seed: 1) else {
            fatalError("cannot make the tiny model")
        }
        let configPath = folder + "/" + PeftAdapter.configFileName
        let weightsPath = folder + "/" + PeftAdapter.weightsFileName
        FuzzDriver.run { input in
            let bytes = Data(buffer: input)
            let configLength = bytes.count < 2 ? 0 : min(Int(bytes[0]) | Int(bytes[1]) << 8, bytes.count - 2)
            let config = bytes.dropFirst(2).prefix(configLength)
            let weights = bytes.dropFirst(2 + configLength)
            guard FileManager.default.createFile(atPath: configPath, contents: Data(config)),
                  FileManager.default.createFile(atPath: weightsPath, contents: Data(weights))
            else { fatalError("cannot write the adapter folder") }
            guard let adapter = try? PeftAdapter(folder: folder, for: configuration) else { return }
            var adapted = model
            _ = try? adapted.load(adapter)
        }
    }
}
