import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a whole file in one call, turning every way it can fail into an `InputError`.
public enum FileContents {
    /// The bytes of the regular file at `path`, refusing one larger than `maximumBytes`.
    ///
    /// A folder, a FIFO (which would block forever), a socket or a device (which would never
    /// end) is refused before a byte is read; `expected` names what the file should have been.
    public static func read(_ path: String, maximumBytes: Int = .max, expected: String = "a file") throws(InputError) -> Data {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { throw InputError(path, "no such file; expected an existing file") }
            throw InputError(path, "cannot be read: \(reason()); expected \(expected)")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw InputError(path, "cannot be read: \(reason()); expected \(expected)") }
        switch status.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw InputError(path, "is a folder; expected \(expected)")
        default: throw InputError(path, "is not a regular file (a pipe, socket or device); expected \(expected)")
        }
        let size = Int(status.st_size)
        guard size <= maximumBytes else { throw tooLarge(path, "is \(size) bytes", maximumBytes: maximumBytes, expected: expected) }
        // One byte more than the size, to see a file that grew since `fstat`.
        let capacity = size < maximumBytes ? size + 1 : maximumBytes
        var bytes = Data(count: capacity)
        var count = 0
        while true {
            if count == bytes.count {
                guard count < maximumBytes else { throw tooLarge(path, "is more than \(maximumBytes) bytes", maximumBytes: maximumBytes, expected: expected) }
                bytes.count = min(maximumBytes, max(count * 2, 4096))
            }
            let read = bytes.withUnsafeMutableBytes { buffer in Foundation.read(descriptor, buffer.baseAddress! + count, buffer.count - count) }
            if read < 0, errno == EINTR { continue }
            guard read >= 0 else { throw InputError(path, "cannot be read: \(reason()); expected \(expected)") }
            if read == 0 { break }
            count += read
        }
        bytes.count = count
        return bytes
    }

    private static func tooLarge(_ path: String, _ found: String, maximumBytes: Int, expected: String) -> InputError {
        InputError(path, "\(found); expected \(expected) of at most \(maximumBytes) bytes")
    }

    private static func reason() -> String { String(cString: strerror(errno)) }

    /// Writes `bytes` to `path` through a temporary file and a rename, so a reader never sees half a file.
    static func write(_ bytes: Data, to path: String) throws {
        do {
            try bytes.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw InputError(path, "cannot be written; expected a path in a writable folder")
        }
    }
}
