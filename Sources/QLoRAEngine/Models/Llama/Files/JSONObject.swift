import Foundation

/// A JSON object read from a configuration file, with typed look-ups that explain what they expected.
///
/// transformers and peft write their settings as loose JSON (`config.json`, `adapter_config.json`):
/// keys may be missing (the library's default applies), `null`, or of a type another version wrote.
/// Each look-up here names the file and the key when a value cannot be used, so a person reads
/// `config.json: hidden_size is "64"; expected a positive integer` rather than a decoder's trace.
struct JSONObject {
    /// One decoded JSON value.
    enum Value: Decodable, Equatable {
        case null
        case bool(Bool)
        case integer(Int)
        case number(Double)
        case string(String)
        case array([Value])
        case object([String: Value])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let value = try? container.decode(Bool.self) {
                self = .bool(value)
            } else if let value = try? container.decode(Int.self) {
                self = .integer(value)
            } else if let value = try? container.decode(Double.self) {
                self = .number(value)
            } else if let value = try? container.decode(String.self) {
                self = .string(value)
            } else if let value = try? container.decode([Value].self) {
                self = .array(value)
            } else {
                self = .object(try container.decode([String: Value].self))
            }
        }

        /// The value as the file spells it, for messages.
        var spelling: String {
            switch self {
            case .null: "null"
            case .bool(let value): String(value)
            case .integer(let value): String(value)
            case .number(let value): String(value)
            case .string(let value): "\"\(value)\""
            case .array(let values): values.isEmpty ? "[]" : "an array"
            case .object(let fields): fields.isEmpty ? "{}" : "an object"
            }
        }
    }

    /// The keys and values.
    let fields: [String: Value]
    /// The file (and the path of a nested object, such as `config.json: rope_parameters`) used in errors.
    let source: String

    /// Reads the JSON object in `bytes`; `source` names the file in errors.
    init(decoding bytes: Data, source: String) throws {
        guard let value = try? JSONDecoder().decode(Value.self, from: bytes) else {
            throw InputError(source, "is not valid JSON; expected one JSON object")
        }
        guard case .object(let fields) = value else {
            throw InputError(source, "holds \(value.spelling); expected one JSON object")
        }
        try JSONShape.refuseDuplicateKeys(in: bytes, source: source)
        self.init(fields: fields, source: source)
    }

    init(fields: [String: Value], source: String) {
        self.fields = fields
        self.source = source
    }

    /// The error for `key` holding `value` where `expected` was wanted.
    func failure(_ key: String, _ value: Value, expected: String) -> InputError {
        InputError(source, "\(key) is \(value.spelling); expected \(expected)")
    }

    /// The value of `key`, nil when it is missing or `null` (the library's default applies then).
    subscript(key: String) -> Value? {
        guard let value = fields[key], value != .null else { return nil }
        return value
    }

    /// An integer at `key` of at least `minimum`, or `defaultValue` when missing; nil default means required.
    func integer(_ key: String, minimum: Int = 1, default defaultValue: Int? = nil) throws -> Int {
        guard let value = self[key] else {
            guard let defaultValue else { throw InputError(source, "has no \(key); expected an integer >= \(minimum)") }
            return defaultValue
        }
        guard case .integer(let integer) = value, integer >= minimum else {
            throw failure(key, value, expected: "an integer >= \(minimum)")
        }
        return integer
    }

    /// A finite number at `key`, or `defaultValue` when missing.
    func number(_ key: String, default defaultValue: Double) throws -> Double {
        guard let value = self[key] else { return defaultValue }
        switch value {
        case .integer(let integer): return Double(integer)
        case .number(let number) where number.isFinite: return number
        default: throw failure(key, value, expected: "a finite number")
        }
    }

    /// A Boolean at `key`, or `defaultValue` when missing.
    func bool(_ key: String, default defaultValue: Bool) throws -> Bool {
        guard let value = self[key] else { return defaultValue }
        guard case .bool(let flag) = value else { throw failure(key, value, expected: "true or false") }
        return flag
    }

    /// A string at `key`, nil when missing.
    func string(_ key: String) throws -> String? {
        guard let value = self[key] else { return nil }
        guard case .string(let text) = value else { throw failure(key, value, expected: "a string") }
        return text
    }

    /// The object at `key`, nil when missing.
    func object(_ key: String) throws -> JSONObject? {
        guard let value = self[key] else { return nil }
        guard case .object(let fields) = value else { throw failure(key, value, expected: "a JSON object") }
        return JSONObject(fields: fields, source: "\(source): \(key)")
    }

    /// Throws unless `key` is missing or holds `allowed` (a setting the engine does not implement otherwise).
    func require(_ key: String, toBe allowed: Value, because reason: String) throws {
        guard let value = self[key], value != allowed else { return }
        throw failure(key, value, expected: "\(allowed.spelling): \(reason)")
    }
}

extension JSONObject {
    /// Writes `fields` as JSON the way Python's `json.dumps(indent=2, sort_keys=True)` does,
    /// so a folder the engine writes reads like one transformers or peft wrote.
    static func encode(_ fields: [String: Value]) -> Data {
        var text = ""
        write(.object(fields), indent: 0, into: &text)
        text += "\n"
        return Data(text.utf8)
    }

    private static func write(_ value: Value, indent: Int, into text: inout String) {
        let padding = String(repeating: " ", count: indent + 2)
        switch value {
        case .null: text += "null"
        case .bool(let flag): text += flag ? "true" : "false"
        case .integer(let integer): text += String(integer)
        // Swift's shortest round-trip spelling is Python's repr: 10000.0, 1e-05.
        case .number(let number): text += number.description
        case .string(let string): text += quoted(string)
        case .array(let values):
            guard !values.isEmpty else { text += "[]"; return }
            text += "[\n"
            for (index, element) in values.enumerated() {
                text += padding
                write(element, indent: indent + 2, into: &text)
                text += index == values.count - 1 ? "\n" : ",\n"
            }
            text += String(repeating: " ", count: indent) + "]"
        case .object(let fields):
            guard !fields.isEmpty else { text += "{}"; return }
            text += "{\n"
            let keys = fields.keys.sorted()
            for (index, key) in keys.enumerated() {
                text += padding + quoted(key) + ": "
                write(fields[key] ?? .null, indent: indent + 2, into: &text)
                text += index == keys.count - 1 ? "\n" : ",\n"
            }
            text += String(repeating: " ", count: indent) + "}"
        }
    }

    private static func quoted(_ string: String) -> String {
        var result = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

extension JSONObject.Value {
    /// A float32 setting written as Python writes the float it reads as (`1e-05`, not `9.99999974737875e-06`).
    static func float(_ value: Float) -> Self { .number(Double(value.description) ?? Double(value)) }

    /// A list of strings.
    static func strings(_ values: [String]) -> Self { .array(values.map(Self.string)) }
}
