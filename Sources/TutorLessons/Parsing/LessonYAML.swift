import QLoRAEngine
import Yams

/// A YAML value read from a lesson, with the file line it was written on.
///
/// Front matter and fenced blocks are parsed with Yams into nodes that keep their position, so
/// every complaint about a key or a value names the exact `file:line`.
struct LessonYAML {
    var node: Node
    /// The file the YAML is in.
    var source: String
    /// The file line of the YAML text's first line.
    var firstLine: Int

    /// Parses `text`, which starts on line `firstLine` of `source`, into a mapping.
    static func mapping(_ text: String, source: String, firstLine: Int, what: String) throws -> [Pair] {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw translate(error, text: text, source: source, firstLine: firstLine, what: what)
        }
        guard let node else {
            throw InputError("\(source):\(firstLine)", "expected \(what) as `key: value` lines, found nothing")
        }
        return try LessonYAML(node: node, source: source, firstLine: firstLine).mapping(what: what)
    }

    private static func translate(_ error: YamlError, text: String, source: String, firstLine: Int, what: String) -> InputError {
        switch error {
        case .duplicatedKeysInMapping(let duplicates, let context):
            // Yams marks the first use of the key; the mistake is the second one.
            let key = duplicates.first ?? ""
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let indent = String(repeating: " ", count: max(context.mark.column - 1, 0))
            let second = lines.indices.dropFirst(context.mark.line).first { lines[$0].hasPrefix(indent + key + ":") }
            let line = firstLine + (second ?? context.mark.line - 1)
            return InputError("\(source):\(line)", "duplicate key `\(key)`; expected each key once")
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            // A problem found at the end of the text belongs to its last line, not the fence after it.
            let lineCount = max(text.split(separator: "\n", omittingEmptySubsequences: false).count, 1)
            return InputError("\(source):\(firstLine + min(mark.line, lineCount) - 1)", "expected valid YAML in \(what): \(problem)")
        default:
            return InputError("\(source):\(firstLine)", "expected valid YAML in \(what): \(error)")
        }
    }

    /// The file line of this value.
    var line: Int { firstLine + (node.mark?.line ?? 1) - 1 }

    /// `source:line` for this value.
    var location: String { "\(source):\(line)" }

    func child(_ node: Node) -> LessonYAML {
        LessonYAML(node: node, source: source, firstLine: firstLine)
    }

    func failure(_ message: String) -> InputError {
        InputError(location, message)
    }

    /// A short description of the value for error messages.
    var shown: String {
        switch node {
        case .scalar(let scalar): "`\(scalar.string)`"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    /// One `key: value` of a mapping, with the key's own position.
    struct Pair {
        var key: String
        var keyNode: LessonYAML
        var value: LessonYAML
    }

    /// The value's pairs in order; keys must be plain scalars.
    func mapping(what: String) throws -> [Pair] {
        guard case .mapping(let mapping) = node else {
            throw failure("expected \(what) as `key: value` lines, found \(shown)")
        }
        // Yams has already rejected duplicate keys.
        var pairs: [Pair] = []
        for (keyNode, valueNode) in mapping {
            let key = child(keyNode)
            guard case .scalar(let scalar) = keyNode else { throw key.failure("expected a key name, found \(key.shown)") }
            pairs.append(Pair(key: scalar.string, keyNode: key, value: child(valueNode)))
        }
        return pairs
    }

    /// The value as text.
    func text(_ role: String) throws -> String {
        guard case .scalar(let scalar) = node else { throw failure("expected \(role) as text, found \(shown)") }
        return scalar.string
    }

    /// The value as a non-empty word or text.
    func nonEmptyText(_ role: String) throws -> String {
        let value = try text(role).trimmingSpaces
        guard !value.isEmpty else { throw failure("expected \(role), found nothing") }
        return value
    }

    /// The value as a finite number.
    func number(_ role: String) throws -> Double {
        guard let value = parameterValue(), case .number(let number) = value else {
            throw failure("expected \(role) as a number, found \(shown)")
        }
        return number
    }

    /// A plain scalar that reads as a finite number is a number; any other scalar is a word.
    func parameterValue() -> ParameterValue? {
        guard case .scalar(let scalar) = node else { return nil }
        if scalar.style == .plain, let number = Double(scalar.string), number.isFinite {
            return .number(number)
        }
        return .word(scalar.string)
    }

    /// The value as a list, where a single scalar counts as a list of one.
    func list(_ role: String) throws -> [LessonYAML] {
        switch node {
        case .sequence(let sequence): return sequence.map(child)
        case .scalar: return [self]
        default: throw failure("expected \(role) as a list, found \(shown)")
        }
    }
}
