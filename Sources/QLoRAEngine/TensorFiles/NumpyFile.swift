import Foundation

/// NumPy's `.npy` format: a magic string, a version, a header that is a Python dict literal, the data.
///
/// Reads what `numpy.save` writes for the arrays the engine uses: little-endian float32 and float16
/// (and uint8 or int8 codes) in C order, with any of the three header versions. Everything else is
/// refused with a message that says what was found and what is read.
/// See numpy/lib/format.py for the format.
public enum NumpyFile {
    /// The six bytes every `.npy` file starts with.
    static let magic = Data([0x93] + Array("NUMPY".utf8))

    /// The array stored in the `.npy` file at `path`.
    public static func read(path: String) throws -> StoredArray {
        try decode(FileContents.read(path), source: path)
    }

    /// The array stored in `.npy` bytes; `source` names them in errors.
    public static func decode(_ bytes: Data, source: String) throws -> StoredArray {
        var cursor = ByteCursor(bytes, source: source)
        guard try cursor.read(magic.count, "the magic string \\x93NUMPY") == magic else {
            throw InputError(source, "does not start with \\x93NUMPY; expected a .npy file")
        }
        let major = try cursor.readInteger(UInt8.self, "the format version")
        _ = try cursor.readInteger(UInt8.self, "the format version")
        let headerLength: Int
        switch major {
        case 1: headerLength = Int(try cursor.readInteger(UInt16.self, "the header length"))
        case 2, 3: headerLength = Int(try cursor.readInteger(UInt32.self, "the header length"))
        default: throw InputError(source, "is .npy format version \(major); expected version 1, 2 or 3")
        }
        guard headerLength <= cursor.remaining else {
            throw InputError(source, "header length \(headerLength) runs past the end of the file (\(cursor.remaining) bytes after it); expected a complete header")
        }
        let headerBytes = try cursor.read(headerLength, "the header")
        let header = try Header(parsing: headerBytes, source: source)
        let expectedBytes = try StoredArray.byteCount(of: header.elementType, shape: header.shape, source: source)
        let data = cursor.readRest()
        guard data.count == expectedBytes else {
            throw InputError(
                source,
                "holds \(data.count) bytes of data; expected \(expectedBytes) for \(header.elementType.displayName) \(header.shape)")
        }
        return StoredArray(elementType: header.elementType, shape: header.shape, bytes: data)
    }
}

extension NumpyFile {
    /// The parts of a `.npy` header the reader needs, from a dict such as
    /// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`.
    struct Header {
        var elementType: ElementType
        var shape: [Int]

        /// The element types by NumPy's type string: byte order, kind, size.
        static let elementTypes: [String: ElementType] = [
            "<f4": .float32, "<f2": .float16, "|u1": .uint8, "<u1": .uint8, "|i1": .int8, "<i1": .int8,
        ]

        init(parsing bytes: Data, source: String) throws {
            var parser = LiteralParser(bytes: [UInt8](bytes), source: source)
            let fields = try parser.parseDictionary()
            guard case .string(let descr)? = fields["descr"] else {
                throw InputError(source, "header has no 'descr' string; expected one such as '<f4'")
            }
            guard case .bool(let fortranOrder)? = fields["fortran_order"] else {
                throw InputError(source, "header has no 'fortran_order' flag; expected True or False")
            }
            guard case .tuple(let shape)? = fields["shape"] else {
                throw InputError(source, "header has no 'shape' tuple; expected one such as (3, 4)")
            }
            guard let elementType = Self.elementTypes[descr] else {
                if descr.hasPrefix(">") {
                    throw InputError(source, "is big-endian ('\(descr)'); expected little-endian '<f4' or '<f2'")
                }
                throw InputError(source, "has dtype '\(descr)'; expected float32 '<f4' or float16 '<f2'")
            }
            guard !fortranOrder else {
                throw InputError(source, "is in Fortran (column-major) order; expected C order (save with np.ascontiguousarray)")
            }
            self.elementType = elementType
            self.shape = shape
        }
    }

    /// A value in a `.npy` header: the few Python literals `numpy.save` writes.
    enum Literal: Equatable {
        case string(String)
        case bool(Bool)
        case tuple([Int])
    }

    /// Parses the Python dict literal of a `.npy` header: string keys; string, boolean and
    /// integer-tuple values.
    struct LiteralParser {
        let bytes: [UInt8]
        let source: String
        var position = 0

        mutating func parseDictionary() throws -> [String: Literal] {
            try expect("{")
            var fields: [String: Literal] = [:]
            while try peekSkippingSpace() != UInt8(ascii: "}") {
                let key = try parseString()
                try expect(":")
                fields[key] = try parseValue()
                if try peekSkippingSpace() == UInt8(ascii: ",") { position += 1 }
            }
            position += 1
            return fields
        }

        private mutating func parseValue() throws -> Literal {
            switch try peekSkippingSpace() {
            case UInt8(ascii: "'"), UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "("): return .tuple(try parseTuple())
            default:
                let word = parseWord()
                switch word {
                case "True": return .bool(true)
                case "False": return .bool(false)
                default: throw failure("found '\(word)'; expected a string, True, False or a tuple")
                }
            }
        }

        private mutating func parseString() throws -> String {
            let quote = try peekSkippingSpace()
            guard quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") else {
                throw failure("expected a quoted string at byte \(position)")
            }
            position += 1
            let start = position
            while position < bytes.count, bytes[position] != quote { position += 1 }
            guard position < bytes.count else { throw failure("has an unterminated string") }
            defer { position += 1 }
            return String(decoding: bytes[start..<position], as: UTF8.self)
        }

        private mutating func parseTuple() throws -> [Int] {
            try expect("(")
            var values: [Int] = []
            while try peekSkippingSpace() != UInt8(ascii: ")") {
                let word = parseWord()
                guard let value = Int(word), value >= 0 else {
                    throw failure("has shape entry '\(word)'; expected a non-negative integer")
                }
                values.append(value)
                if try peekSkippingSpace() == UInt8(ascii: ",") { position += 1 }
            }
            position += 1
            return values
        }

        /// Letters and digits up to the next delimiter.
        private mutating func parseWord() -> String {
            let start = position
            while position < bytes.count, !" \t\n,:)}".utf8.contains(bytes[position]) { position += 1 }
            return String(decoding: bytes[start..<position], as: UTF8.self)
        }

        private mutating func expect(_ character: Unicode.Scalar) throws {
            guard try peekSkippingSpace() == UInt8(ascii: character) else {
                throw failure("expected '\(character)' at byte \(position)")
            }
            position += 1
        }

        private mutating func peekSkippingSpace() throws -> UInt8 {
            while position < bytes.count, bytes[position] == UInt8(ascii: " ") || bytes[position] == UInt8(ascii: "\n") {
                position += 1
            }
            guard position < bytes.count else { throw failure("header ends early; expected a complete dict") }
            return bytes[position]
        }

        private func failure(_ message: String) -> InputError {
            InputError(source, "header: \(message)")
        }
    }
}
