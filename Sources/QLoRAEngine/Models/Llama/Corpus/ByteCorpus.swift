import Foundation

/// A text read as bytes, the tokens of a byte-level language model (one token per byte, 256 ids).
///
/// Training draws windows at random starts with a seeded generator, so a run is the same on every
/// machine; evaluation cuts the text into consecutive windows and averages over all of them.
public struct ByteCorpus {
    /// The bytes, each one token id.
    public let bytes: [UInt8]
    /// Where the text came from, for messages.
    public let source: String

    /// The text in `bytes`; `source` names it in errors.
    ///
    /// - Throws: `InputError` when there are fewer than two bytes: nothing to predict.
    public init(_ bytes: [UInt8], source: String) throws {
        guard bytes.count >= 2 else {
            throw InputError(source, "holds \(bytes.count) bytes; expected text of at least 2 bytes to predict from")
        }
        self.bytes = bytes
        self.source = source
    }

    /// Reads the file at `path`.
    public init(path: String) throws {
        try self.init(Array(FileContents.read(path)), source: path)
    }

    /// The text cut into consecutive windows of `length` tokens; a last, shorter window is kept
    /// when it has a token to predict.
    public func windows(length: Int) -> [[Int]] {
        stride(from: 0, to: bytes.count, by: max(1, length)).compactMap { start in
            let window = bytes[start..<min(start + length, bytes.count)]
            return window.count >= 2 ? window.map(Int.init) : nil
        }
    }

    /// Throws `InputError` naming `--context` when the text is shorter than one window of `length`.
    public func checkWindow(length: Int) throws {
        guard bytes.count >= length else {
            throw InputError("--context", "\(length) tokens is longer than \(source) (\(bytes.count) bytes); expected at most \(bytes.count)")
        }
    }

    /// `batchSize` windows of `length` tokens from starts drawn uniformly by `generator`.
    ///
    /// - Throws: `InputError` naming `--context` when the text is shorter than one window, and
    ///   whatever `LlamaBatch` finds wrong for `configuration` (bytes outside a smaller vocabulary).
    public func randomBatch(
        batchSize: Int, length: Int, for configuration: LlamaConfiguration, using generator: inout SeededGenerator
    ) throws -> LlamaBatch {
        try checkWindow(length: length)
        let sequences = (0..<batchSize).map { _ in
            let start = generator.nextIndex(below: bytes.count - length + 1)
            return bytes[start..<start + length].map(Int.init)
        }
        return try LlamaBatch(sequences, for: configuration, source: source)
    }
}

extension ByteCorpus: Sendable {}
