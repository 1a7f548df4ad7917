import Foundation
@testable import QLoRAEngine

/// Scratch copies of the tiny-Llama fixture's folders, edited, for the file readers' tests.
enum LlamaFilesFixture {
    /// The fixture folder, or a folder inside it.
    static func path(_ parts: String...) -> String {
        parts.reduce(LlamaFixture.root) { $0.appendingPathComponent($1) }.path
    }

    /// A new empty folder under the temporary directory.
    static func scratchFolder() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("llama-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// A scratch copy of the files of a fixture folder (the model's when nil), `edit` applied to each file's bytes by name.
    static func copy(of subfolder: String?, edit: (String, Data) throws -> Data = { $1 }) throws -> String {
        let source = subfolder.map { path($0) } ?? path()
        let target = try scratchFolder()
        for name in try FileManager.default.contentsOfDirectory(atPath: source) {
            var isDirectory: ObjCBool = false
            let file = URL(fileURLWithPath: source).appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            try edit(name, Data(contentsOf: file)).write(to: URL(fileURLWithPath: target).appendingPathComponent(name))
        }
        return target
    }

    /// `bytes` read as text with `old` replaced by `new`.
    static func replacing(_ old: String, with new: String, in bytes: Data) -> Data {
        Data(String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: old, with: new).utf8)
    }

    /// The bytes of a fixture file.
    static func bytes(_ parts: String...) throws -> Data {
        try Data(contentsOf: parts.reduce(LlamaFixture.root) { $0.appendingPathComponent($1) })
    }
}
