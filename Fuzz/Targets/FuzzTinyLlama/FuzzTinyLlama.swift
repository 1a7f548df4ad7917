import Foundation
import QLoRAEngine

/// The tiny Llama the folder readers' targets read files for, and a scratch folder to write them in.
public enum FuzzTinyLlama {
    /// Vocabulary 16, hidden 8, intermediate 12, one layer, two heads sharing one key/value head.
    public static let configuration = LlamaConfiguration(
        vocabularySize: 16, hiddenSize: 8, intermediateSize: 12, layerCount: 1, attentionHeadCount: 2,
        keyValueHeadCount: 1, maxPositionEmbeddings: 16)

    /// Creates an empty folder of this process's own under the temporary directory and returns its path.
    public static func scratchFolder(_ name: String) -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("qlora-fuzz-\(name)-\(ProcessInfo.processInfo.processIdentifier)").path
        do {
            try? FileManager.default.removeItem(atPath: path)
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            fatalError("cannot create \(path): \(error)")
        }
        return path
    }
}
