import Foundation

/// Reads little-endian values from the front of a file's bytes, never past the end.
///
/// Every read checks the bytes are there and throws an `InputError` naming the file and
/// what was being read, so a truncated file is a message, not a trap.
struct ByteCursor {
    /// The file's bytes.
    let bytes: Data
    /// The file name used in errors.
    let source: String
    /// How many bytes have been read, counted from the start of `bytes`.
    private(set) var offset = 0

    init(_ bytes: Data, source: String) {
        self.bytes = bytes
        self.source = source
    }

    /// The number of bytes not yet read.
    var remaining: Int { bytes.count - offset }

    /// The next `count` bytes, as a slice that shares the file's storage.
    mutating func read(_ count: Int, _ what: String) throws -> Data {
        guard count >= 0, count <= remaining else {
            throw InputError(source, "expected \(count) bytes of \(what) at byte \(offset), found \(remaining)")
        }
        let start = bytes.startIndex + offset
        offset += count
        return bytes[start..<start + count]
    }

    /// The next unsigned little-endian integer of `T`'s width.
    mutating func readInteger<T: FixedWidthInteger & UnsignedInteger>(_ type: T.Type, _ what: String) throws -> T {
        let field = try read(MemoryLayout<T>.size, what)
        return field.reversed().reduce(T(0)) { ($0 << 8) | T($1) }
    }

    /// Everything not yet read.
    mutating func readRest() -> Data {
        let start = bytes.startIndex + offset
        offset = bytes.count
        return bytes[start...]
    }
}
