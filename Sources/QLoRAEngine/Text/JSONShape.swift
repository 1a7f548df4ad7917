import Foundation

/// One quick pass over JSON text for what a decoder would only find after building all of it, or
/// never report: how many keys the outermost object has, how many values there are in all, and a
/// key given twice in one object (which JSON readers disagree on: some take the first, most the last).
///
/// It reads just enough of the syntax to tell keys from values; the decoder that runs after it
/// still checks everything else. It stops at the first key or value past the limits it is given.
public struct JSONShape {
    /// Why the scan stopped early.
    public enum Problem: Equatable, Sendable {
        /// The outermost object has more keys than allowed.
        case tooManyTopLevelKeys(limit: Int)
        /// The text holds more values (numbers, strings, literals, objects, arrays) than allowed.
        case tooManyValues(limit: Int)
        /// Its strings (keys and values) hold more bytes in all than allowed: a decoder makes each
        /// one a string of its own, so text costs memory where white space does not.
        case tooMuchText(limit: Int)
        /// `key` appears twice in one object; `path` leads to that object from the outermost one.
        case duplicateKey(String, path: [String])
    }

    /// How many keys the outermost object has (as far as the scan went).
    public private(set) var topLevelKeys = 0
    /// What stopped the scan, if anything.
    public private(set) var problem: Problem?

    /// An open object or array; mutated in place, so a large object's key set is never copied.
    private struct Frame {
        var isObject: Bool
        var keys: Set<[UInt8]> = []
        var expectingKey: Bool
        /// Its key in the enclosing object, or `[]` inside an array.
        var name: String
    }

    /// Scans `bytes`, stopping at the first of the limits it passes or the first duplicate key.
    public init(_ data: Data, maximumTopLevelKeys: Int = .max, maximumValues: Int = .max, maximumStringBytes: Int = .max) {
        data.withUnsafeBytes {
            scan($0, maximumTopLevelKeys: maximumTopLevelKeys, maximumValues: maximumValues, maximumStringBytes: maximumStringBytes)
        }
    }

    private mutating func scan(_ bytes: UnsafeRawBufferPointer, maximumTopLevelKeys: Int, maximumValues: Int, maximumStringBytes: Int) {
        var stringBytes = 0
        var stack: [Frame] = []
        var values = 0
        var pendingName = ""
        var index = 0
        scan: while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                var end = index + 1
                while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
                    end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1
                }
                let token = bytes[(index + 1)..<min(end, bytes.count)]
                index = end
                stringBytes += token.count
                guard stringBytes <= maximumStringBytes else {
                    problem = .tooMuchText(limit: maximumStringBytes)
                    break scan
                }
                // Test the innermost frame in place: a copy of it would share, and so copy, its key set.
                let top = stack.count - 1
                guard top >= 0, stack[top].isObject, stack[top].expectingKey else {
                    values += 1
                    break
                }
                let key = Self.unescaped(token)
                guard stack[top].keys.insert(key).inserted else {
                    problem = .duplicateKey(Self.text(key), path: stack.dropFirst().map(\.name))
                    break scan
                }
                stack[top].expectingKey = false
                pendingName = Self.text(key)
                if stack.count == 1 {
                    topLevelKeys += 1
                    if topLevelKeys > maximumTopLevelKeys {
                        problem = .tooManyTopLevelKeys(limit: maximumTopLevelKeys)
                        break scan
                    }
                }
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                values += 1
                let name = stack.last.map { $0.isObject ? pendingName : "[]" } ?? ""
                stack.append(Frame(isObject: byte == UInt8(ascii: "{"), expectingKey: true, name: name))
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                _ = stack.popLast()
            case UInt8(ascii: ","):
                if !stack.isEmpty { stack[stack.count - 1].expectingKey = true }
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"), UInt8(ascii: ":"):
                break
            default:
                // A number or a literal: count it once, at its first byte.
                values += 1
                while index + 1 < bytes.count, !Self.endsLiteral(bytes[index + 1]) { index += 1 }
            }
            if values > maximumValues {
                problem = .tooManyValues(limit: maximumValues)
                break
            }
            index += 1
        }
    }

    /// Whether `byte` ends a number or a literal: a separator, a closing bracket or white space.
    private static func endsLiteral(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): true
        default: false
        }
    }

    /// A key's bytes with JSON escapes resolved, so `"a"` and `"\u0061"` are the same key.
    private static func unescaped(_ token: Slice<UnsafeRawBufferPointer>) -> [UInt8] {
        guard token.contains(UInt8(ascii: "\\")) else { return Array(token) }
        let quoted = Data([UInt8(ascii: "\"")] + token + [UInt8(ascii: "\"")])
        guard let string = try? JSONDecoder().decode(String.self, from: quoted) else { return Array(token) }
        return Array(string.utf8)
    }

    private static func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}

extension JSONShape {
    /// Throws `InputError` from `source` when `data` gives a key twice in one object: JSON
    /// readers disagree on which one counts (Python's keeps the last, Foundation's the first).
    public static func refuseDuplicateKeys(in data: Data, source: String) throws(InputError) {
        if let problem = JSONShape(data).problem, case .duplicateKey = problem {
            throw InputError(source, problem.message)
        }
    }
}

extension JSONShape.Problem {
    /// The problem as the end of an error line, naming the limit or the key.
    public var message: String {
        switch self {
        case .tooManyTopLevelKeys(let limit): "has more than \(limit) entries; expected at most \(limit)"
        case .tooManyValues(let limit): "has more than \(limit) JSON values; expected at most \(limit)"
        case .tooMuchText(let limit): "has more than \(limit) bytes of strings; expected at most \(limit)"
        case .duplicateKey(let key, let path):
            "has the key \"\(key)\" twice in one object\(path.isEmpty ? "" : " (at \(path.joined(separator: ".")))"); expected each key once"
        }
    }
}

extension JSONShape: Sendable {}
