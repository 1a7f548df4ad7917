import Foundation

extension ShippedModels {
    /// The frozen texts in `Lessons/models/corpus/`: the base's pretraining domain and the
    /// course's fine-tuning domain, each with a held-out part never trained on.
    public enum Corpus: String, CaseIterable, Sendable {
        /// The project's Swift sources the base was pretrained on.
        case code = "swift-sources"
        /// Every tenth source file, never trained on: what the base forgets when fine-tuned.
        case codeHeldOut = "swift-sources-held-out"
        /// The lessons' prose, live blocks and quizzes left out: the domain the course fine-tunes on.
        case prose = "lessons-prose"
        /// Every fifth paragraph of the same prose, never trained on.
        case proseHeldOut = "lessons-prose-held-out"

        /// The file name in the corpus folder.
        public var fileName: String { rawValue + ".txt" }
    }

    /// The shipped model `name` (by default the code base), read once per process and shared.
    ///
    /// Lessons run many blocks over the same base; reading 3.4 MB of safetensors for each would
    /// cost more than the blocks' own work. `LlamaModel` is a value, so callers that change it
    /// (adapters, training) change their own copy.
    /// - Throws: `InputError` when the folder is missing or its files are not a model.
    public static func model(_ name: String = codeBase) throws -> LlamaModel {
        try cache.value(for: "model:" + name) { try LlamaModel(folder: path(of: name)) }
    }

    /// The shipped text `corpus`, read once per process and shared.
    ///
    /// - Throws: `InputError` naming the file when it is missing, saying where it was looked for.
    public static func corpus(_ corpus: Corpus) throws -> ByteCorpus {
        try cache.value(for: "corpus:" + corpus.rawValue) {
            let path = folder.appendingPathComponent("corpus").appendingPathComponent(corpus.fileName).path
            guard FileManager.default.fileExists(atPath: path) else {
                throw InputError(path, "is missing; expected the course's \(corpus.fileName) here, or \(environmentVariable) naming the folder that holds corpus/")
            }
            return try ByteCorpus(path: path)
        }
    }

    private static let cache = LoadedOnce()
}

/// Values read from disk once per process, by key, safe to ask for from any thread.
private final class LoadedOnce: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: Any] = [:]

    func value<Value>(for key: String, load: () throws -> Value) throws -> Value {
        lock.lock()
        defer { lock.unlock() }
        if let value = values[key] as? Value { return value }
        let value = try load()
        values[key] = value
        return value
    }
}
