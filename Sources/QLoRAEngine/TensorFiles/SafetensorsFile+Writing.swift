import Foundation

extension SafetensorsFile {
    /// The bytes of a `.safetensors` file holding `arrays` under their names.
    ///
    /// The header lists names in sorted order and is padded with spaces to a multiple of 8 bytes;
    /// the data is ordered by element size, largest first, then by name, so every tensor starts on a
    /// multiple of its element size, as the reference writer does.
    /// - Precondition: no name is `__metadata__`.
    public static func encode(_ arrays: [String: StoredArray], metadata: [String: String] = [:]) -> Data {
        precondition(arrays[Header.metadataKey] == nil, "\(Header.metadataKey) is reserved for metadata")
        let order = arrays.keys.sorted {
            let left = arrays[$0]?.elementType.byteCount ?? 0
            let right = arrays[$1]?.elementType.byteCount ?? 0
            return left != right ? left > right : $0 < $1
        }
        var fields: [String: HeaderValue] = [:]
        var body = Data()
        for name in order {
            guard let array = arrays[name] else { continue }
            let begin = body.count
            body.append(array.bytes)
            fields[name] = .tensor(dtype: array.elementType.rawValue, shape: array.shape, dataOffsets: [begin, body.count])
        }
        if !metadata.isEmpty {
            fields[Header.metadataKey] = .metadata(metadata)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a dictionary of strings, integers and string maps cannot fail.
        var header = (try? encoder.encode(fields)) ?? Data("{}".utf8)
        header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8))

        var file = Data(capacity: 8 + header.count + body.count)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(header)
        file.append(body)
        return file
    }

    /// Writes `arrays` as a `.safetensors` file at `path`, replacing it atomically.
    public static func write(_ arrays: [String: StoredArray], metadata: [String: String] = [:], to path: String) throws {
        try FileContents.write(encode(arrays, metadata: metadata), to: path)
    }

    /// A value in the header being written: a tensor's fields or the metadata map.
    private enum HeaderValue: Encodable {
        case tensor(dtype: String, shape: [Int], dataOffsets: [Int])
        case metadata([String: String])

        private enum CodingKeys: String, CodingKey {
            case dtype, shape
            case dataOffsets = "data_offsets"
        }

        func encode(to encoder: any Encoder) throws {
            switch self {
            case .tensor(let dtype, let shape, let dataOffsets):
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(dtype, forKey: .dtype)
                try container.encode(shape, forKey: .shape)
                try container.encode(dataOffsets, forKey: .dataOffsets)
            case .metadata(let map):
                var container = encoder.singleValueContainer()
                try container.encode(map)
            }
        }
    }
}
