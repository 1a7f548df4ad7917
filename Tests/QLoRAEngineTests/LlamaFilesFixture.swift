import Foundation
@testable import QLoRAEngine

/// The tiny Llama made with transformers, peft and bitsandbytes (`Fixtures/tiny-llama/`), and
/// scratch folders for what the engine writes.
enum LlamaFilesFixture {
    static let folder: String = Bundle.module.resourceURL?
        .appendingPathComponent("Fixtures").appendingPathComponent("tiny-llama").path ?? "Fixtures/tiny-llama"

    static func path(_ parts: String...) -> String {
        parts.reduce(URL(fileURLWithPath: folder)) { $0.appendingPathComponent($1) }.path
    }

    /// The fixture's `expected.json`.
    static func expected() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path("expected.json")))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// A new empty folder under the temporary directory.
    static func scratchFolder() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("llama-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// A copy of a fixture folder's files in a scratch folder, with `edit` applied to each file's bytes by name.
    static func copy(of subfolder: String?, edit: (String, Data) throws -> Data = { $1 }) throws -> String {
        let source = subfolder.map { path($0) } ?? folder
        let target = try scratchFolder()
        for name in try FileManager.default.contentsOfDirectory(atPath: source) {
            var isDirectory: ObjCBool = false
            let file = URL(fileURLWithPath: source).appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            try edit(name, Data(contentsOf: file)).write(to: URL(fileURLWithPath: target).appendingPathComponent(name))
        }
        return target
    }

    /// `bytes` with the first occurrence of `old` replaced by `new`.
    static func replacing(_ old: String, with new: String, in bytes: Data) -> Data {
        Data(String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: old, with: new).utf8)
    }
}
