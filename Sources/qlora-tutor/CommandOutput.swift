import Foundation

/// How the engine's commands print for scripts: stable JSON (people get `TextTable`s).
enum CommandOutput {
    /// `value` as pretty-printed JSON with snake_case keys in sorted order, the shape every
    /// command's `--json` documents.
    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        // JSON has no NaN or infinity: they are written as the strings "nan", "inf" and "-inf".
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
