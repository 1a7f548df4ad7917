import Foundation

/// A `.safetensors` file: named tensors behind a JSON header, as Hugging Face stores weights.
///
/// Layout: 8 bytes holding the header length N (little-endian), N bytes of JSON mapping each
/// name to `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets into the data that follows)
/// plus an optional `"__metadata__"` map of strings, then the data. The reader checks what the
/// reference implementation checks: a capped header, offsets that tile the data exactly with no
/// gap or overlap, and each tensor's byte length equal to its element size times its shape.
public struct SafetensorsFile {
    /// One tensor's entry in the header.
    public struct Entry: Equatable {
        /// The tensor's name, such as `model.layers.0.self_attn.q_proj.weight`.
        public var name: String
        /// The type of each element.
        public var elementType: ElementType
        /// The extent of each dimension.
        public var shape: [Int]
        /// Where the tensor's bytes lie, counted from the start of the data (after the header).
        public var dataOffsets: Range<Int>
    }

    /// The largest header read, as in the reference implementation: a length beyond it is corruption or an attack.
    public static let maximumHeaderLength = 100_000_000
    /// The most tensors one header may list: far more than any checkpoint shard holds (a 70B
    /// model has under a thousand in all), and few enough that reading the header stays small.
    public static let maximumTensors = 100_000
    /// The most JSON values a header may hold: each tensor's dtype, shape, offsets and a few more.
    static let maximumHeaderValues = maximumTensors * 16
    /// The most bytes of names, dtypes and metadata a header may hold (16 MiB): a hundred bytes
    /// for each of the most tensors, and a header read costs at most a few times this.
    public static let maximumHeaderText = 16 << 20

    /// The entries in the order their data is stored.
    public let entries: [Entry]
    /// The free-form string metadata under `__metadata__`.
    public let metadata: [String: String]
    /// The names of the tensors, sorted.
    public let names: [String]
    /// Each entry's place in `entries`, by name, so a lookup does not scan the header.
    private let entryIndices: [String: Int]
    /// The file name used in errors.
    public let source: String
    /// The bytes after the header.
    private let data: Data

    /// Reads the file at `path`.
    public init(path: String) throws {
        try self.init(decoding: FileContents.read(path), source: path)
    }

    /// Reads safetensors bytes; `source` names them in errors.
    public init(decoding bytes: Data, source: String) throws {
        self.source = source
        var cursor = ByteCursor(bytes, source: source)
        let headerLength = try cursor.readInteger(UInt64.self, "the header length")
        // Past the end first: a file of another kind (an .npy read as safetensors) declares some
        // enormous length, and "past the end" is what is wrong with it.
        guard headerLength <= UInt64(cursor.remaining) else {
            throw InputError(
                source, "header length \(headerLength) runs past the end of the file (\(cursor.remaining) bytes after it); expected a .safetensors file")
        }
        guard headerLength <= UInt64(Self.maximumHeaderLength) else {
            throw InputError(
                source, "declares a \(headerLength)-byte header; expected at most \(Self.maximumHeaderLength) bytes")
        }
        let headerBytes = try cursor.read(Int(headerLength), "the JSON header")
        guard headerBytes.first == UInt8(ascii: "{") else {
            throw InputError(source, "header does not start with '{'; expected a JSON object")
        }
        // Count before decoding: a decoder builds all of a header before it can be asked its size.
        let shape = JSONShape(
            headerBytes, maximumTopLevelKeys: Self.maximumTensors + 1, maximumValues: Self.maximumHeaderValues,
            maximumStringBytes: Self.maximumHeaderText)
        switch shape.problem {
        case .tooManyTopLevelKeys?:
            throw Self.tooManyTensors(source)
        case let problem?:
            throw InputError(source, "header \(problem.message)")
        case nil:
            break
        }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: headerBytes)
        } catch let error as InputError {
            throw InputError(source, error.message)
        } catch let error as DecodingError where !Self.fieldPath(of: error).isEmpty {
            throw InputError(
                source, "header field '\(Self.fieldPath(of: error))' is missing or malformed; expected {name: {dtype, shape, data_offsets}}")
        } catch {
            throw InputError(
                source, "header is not valid JSON with integer shapes and offsets; expected {name: {dtype, shape, data_offsets}}")
        }
        guard header.entries.count <= Self.maximumTensors else {
            throw Self.tooManyTensors(source)
        }
        data = cursor.readRest()
        metadata = header.metadata
        // Ties broken by name, so a header with overlapping offsets names the same tensor on every run.
        entries = header.entries.sorted {
            ($0.dataOffsets.lowerBound, $0.dataOffsets.upperBound, $0.name) < ($1.dataOffsets.lowerBound, $1.dataOffsets.upperBound, $1.name)
        }
        names = entries.map(\.name).sorted()
        entryIndices = Dictionary(entries.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        try validateOffsets()
    }

    /// The entry for `name`.
    /// - Throws: `InputError` listing the names there are when there is no such tensor.
    public func entry(named name: String) throws -> Entry {
        guard let index = entryIndices[name] else {
            throw InputError(source, "has no tensor '\(name)'; expected one of: \(Self.listing(names))")
        }
        return entries[index]
    }

    private static func tooManyTensors(_ source: String) -> InputError {
        InputError(source, "header lists more than \(maximumTensors) tensors; expected at most \(maximumTensors)")
    }

    /// Names for an error line: all of a few, or the first ten and how many there are in all.
    public static func listing(_ names: [String]) -> String {
        let shown = 10
        guard names.count > shown else { return names.joined(separator: ", ") }
        return names.prefix(shown).joined(separator: ", ") + ", … (\(names.count) in all)"
    }

    /// The stored array named `name`.
    public func array(named name: String) throws -> StoredArray {
        let entry = try entry(named: name)
        let start = data.startIndex + entry.dataOffsets.lowerBound
        let end = data.startIndex + entry.dataOffsets.upperBound
        return StoredArray(elementType: entry.elementType, shape: entry.shape, bytes: data[start..<end])
    }

    /// The dotted path of the header field a decoding error is about, such as `W.shape.0`.
    private static func fieldPath(of error: DecodingError) -> String {
        let path: [any CodingKey]
        switch error {
        case .keyNotFound(let key, let context): path = context.codingPath + [key]
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context): path = context.codingPath
        @unknown default: path = []
        }
        return path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }

    /// Checks the entries, sorted by offset, tile the data from its first byte to its last.
    private func validateOffsets() throws {
        var expectedStart = 0
        for entry in entries {
            let what = "tensor '\(entry.name)'"
            let offsets = "data_offsets [\(entry.dataOffsets.lowerBound), \(entry.dataOffsets.upperBound)]"
            if entry.dataOffsets.lowerBound < expectedStart {
                throw InputError(source, "\(what) \(offsets) overlaps the tensor before it, which ends at \(expectedStart)")
            }
            if entry.dataOffsets.lowerBound > expectedStart {
                throw InputError(source, "\(what) \(offsets) leaves a gap after byte \(expectedStart); expected it to start there")
            }
            if entry.dataOffsets.upperBound > data.count {
                throw InputError(source, "\(what) \(offsets) runs past the end of the data (\(data.count) bytes)")
            }
            let byteCount = try StoredArray.byteCount(of: entry.elementType, shape: entry.shape, source: "\(source): \(what)")
            if entry.dataOffsets.count != byteCount {
                throw InputError(
                    source,
                    "\(what) \(offsets) spans \(entry.dataOffsets.count) bytes; expected \(byteCount) for \(entry.elementType.rawValue) \(entry.shape)")
            }
            expectedStart = entry.dataOffsets.upperBound
        }
        if expectedStart != data.count {
            throw InputError(source, "has \(data.count) bytes of data; expected \(expectedStart), where the last tensor ends")
        }
    }
}

extension SafetensorsFile {
    /// The JSON header: tensor entries under their names, and the optional `__metadata__`.
    struct Header: Decodable {
        var entries: [Entry] = []
        var metadata: [String: String] = [:]

        static let metadataKey = "__metadata__"

        /// One tensor's fields as the JSON spells them.
        struct Fields: Decodable {
            var dtype: String
            var shape: [Int]
            var dataOffsets: [Int]

            enum CodingKeys: String, CodingKey {
                case dtype, shape
                case dataOffsets = "data_offsets"
            }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: NameKey.self)
            for key in container.allKeys {
                if key.stringValue == Self.metadataKey {
                    metadata = try container.decode([String: String].self, forKey: key)
                    continue
                }
                let fields = try container.decode(Fields.self, forKey: key)
                let what = "tensor '\(key.stringValue)'"
                guard let elementType = ElementType(rawValue: fields.dtype) else {
                    throw InputError("", "\(what) has dtype \(fields.dtype); expected one of \(ElementType.safetensorsNames)")
                }
                guard fields.dataOffsets.count == 2, fields.dataOffsets[0] >= 0,
                    fields.dataOffsets[0] <= fields.dataOffsets[1]
                else {
                    throw InputError("", "\(what) has data_offsets \(fields.dataOffsets); expected [begin, end] with 0 <= begin <= end")
                }
                entries.append(
                    Entry(
                        name: key.stringValue, elementType: elementType, shape: fields.shape,
                        dataOffsets: fields.dataOffsets[0]..<fields.dataOffsets[1]))
            }
        }
    }

    /// A JSON object key that is whatever name the file uses.
    struct NameKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

extension SafetensorsFile: Sendable {}
extension SafetensorsFile.Entry: Sendable {}
