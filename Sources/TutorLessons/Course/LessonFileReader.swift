import Foundation
import QLoRAEngine

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads one lesson file of a folder the way a careful tool reads a stranger's file.
///
/// Only a regular file is opened (a FIFO would block a check forever, a device would never end),
/// a symbolic link is followed only when it stays inside the folder, nothing larger than
/// `maximumBytes` is read, and the bytes must be UTF-8. Each refusal is one `InputError` naming
/// the file and what was expected.
struct LessonFileReader {
    /// The most one lesson file may hold: a hundred times the largest lesson of the course.
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
        let descriptor = open(target, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { throw InputError(path, "cannot be read: \(Self.reason()); expected a lesson file") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw InputError(path, "cannot be read: \(Self.reason()); expected a lesson file") }
        switch status.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw InputError(path, "is a folder; expected a lesson file")
        default: throw InputError(path, "is not a regular file (a pipe, socket or device); expected a lesson file")
        }
        guard Int(status.st_size) <= Self.maximumBytes else {
            throw InputError(path, "is \(status.st_size) bytes; expected a lesson file of at most \(Self.maximumBytes) bytes (1 MiB)")
        }
        let bytes = try Self.readAll(descriptor, path: path)
        return try Self.decodeUTF8(bytes, path: path)
    }

    /// Up to `maximumBytes` bytes; a file that grew past it since `fstat` is refused the same way.
    private static func readAll(_ descriptor: Int32, path: String) throws(InputError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: maximumBytes + 1)
        var count = 0
        while count < bytes.count {
            let read = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + count, $0.count - count) }
            if read < 0, errno == EINTR { continue }
            guard read >= 0 else { throw InputError(path, "cannot be read: \(reason()); expected a lesson file") }
            if read == 0 { break }
            count += read
        }
        guard count <= maximumBytes else {
            throw InputError(path, "is more than \(maximumBytes) bytes; expected a lesson file of at most \(maximumBytes) bytes (1 MiB)")
        }
        return Array(bytes[..<count])
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
