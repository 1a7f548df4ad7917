import Foundation

/// Reads a whole file in one call, turning every way it can fail into an `InputError`.
enum FileContents {
    /// The bytes of the file at `path`.
    static func read(_ path: String) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputError(path, "no such file; expected an existing file")
        }
        guard !isDirectory.boolValue else {
            throw InputError(path, "is a directory; expected a file")
        }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw InputError(path, "cannot be read; expected a readable file")
        }
    }

    /// Writes `bytes` to `path` through a temporary file and a rename, so a reader never sees half a file.
    static func write(_ bytes: Data, to path: String) throws {
        do {
            try bytes.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw InputError(path, "cannot be written; expected a path in a writable folder")
        }
    }
}
