import Foundation
import QLoRAEngine

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads one lesson file of a folder the way a careful tool reads a stranger's file.
///
/// A symbolic link is followed only when it stays inside the folder; then `FileContents` reads
/// only a regular file of at most `maximumBytes`, and the bytes must be UTF-8. Each refusal is one `InputError` naming
/// the file and what was expected.
struct LessonFileReader {
    /// The most one lesson file may hold (1 MiB): a hundred times the largest lesson of the course.
    static let maximumBytes = 1 << 20

    /// The folder's real path, symbolic links resolved; nil when it cannot be resolved.
    let realFolder: String?

    init(folder: String) {
        realFolder = Self.realPath(folder)
    }

    /// The text of the lesson file at `path`, which names an entry of the folder.
    func read(_ path: String) throws(InputError) -> String {
        var link = stat()
        guard lstat(path, &link) == 0 else { throw InputError(path, "cannot be read: \(Self.reason()); expected a lesson file") }
        var target = path
        if link.st_mode & S_IFMT == S_IFLNK {
            guard let resolved = Self.realPath(path) else {
                throw InputError(path, "is a symbolic link to a file that does not exist; expected a lesson file")
            }
            guard let realFolder, resolved.hasPrefix(realFolder.hasSuffix("/") ? realFolder : realFolder + "/") else {
                throw InputError(path, "is a symbolic link that leaves the lesson folder; expected lessons inside the folder")
            }
            target = resolved
        }
        let bytes = try FileContents.read(target, maximumBytes: Self.maximumBytes, expected: "a lesson file")
        return try Self.decodeUTF8([UInt8](bytes), path: path)
    }

    /// The bytes as a String, or an error naming the line of the first byte that is not UTF-8.
    private static func decodeUTF8(_ bytes: [UInt8], path: String) throws(InputError) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var line = 1
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): if scalar == "\n" { line += 1 }
            case .emptyInput: return String(decoding: bytes, as: UTF8.self)
            case .error: throw InputError("\(path):\(line)", "is not UTF-8 text; expected a lesson saved as UTF-8")
            }
        }
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func reason() -> String { String(cString: strerror(errno)) }
}
