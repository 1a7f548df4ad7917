import FuzzDriver
import FuzzTinyLlama
import Foundation
import QLoRAEngine

/// Any bytes as the `config.json` of a Hugging Face Llama folder: the model, or one `InputError`.
///
/// The folder's `model.safetensors` is a tiny model's, written once; a config that describes it
/// reads the whole folder, any other shape is refused while the tensors are checked.
@main
enum FuzzLlamaConfig {
    static func main() {
        let folder = FuzzTinyLlama.scratchFolder("llama-config")
        let configuration = FuzzTinyLlama.configuration
        do {
            try LlamaModel(configuration: configuration, seed: 1).write(folder: folder)
        } catch {
            fatalError("cannot write the tiny model: \(error)")
        }
        let configPath = folder + "/" + LlamaModel.configFileName
        FuzzDriver.run { input in
            guard FileManager.default.createFile(atPath: configPath, contents: Data(buffer: input)) else {
                fatalError("cannot write \(configPath)")
            }
            _ = try? LlamaModel(folder: folder)
        }
    }
}
