/// Token ids for a Llama model: `batchSize` sequences of `sequenceLength` ids each, checked against
/// the model's vocabulary and context. The labels are the ids themselves, shifted by one.
public struct LlamaBatch: Equatable {
    /// Sequences in the batch.
    public let batchSize: Int
    /// Tokens per sequence.
    public let sequenceLength: Int
    /// The ids, sequence after sequence.
    public let ids: [Int32]

    /// Checks `sequences` for a model of `configuration`.
    ///
    /// - Throws: `InputError` for no sequences, sequences of different lengths or of fewer than two
    ///   tokens (the loss needs one to predict), more tokens than `max_position_embeddings`, or an id
    ///   outside the vocabulary; `source` names where the ids came from.
    public init(_ sequences: [[Int]], for configuration: LlamaConfiguration, source: String = "tokens") throws {
        guard let first = sequences.first else { throw InputError(source, "expected at least one sequence, got none") }
        let length = first.count
        guard length >= 2 else { throw InputError(source, "expected sequences of at least 2 tokens, got \(length)") }
        guard length <= configuration.maxPositionEmbeddings else {
            throw InputError(
                source, "expected at most max_position_embeddings = \(configuration.maxPositionEmbeddings) tokens per sequence, got \(length)")
        }
        var ids: [Int32] = []
        ids.reserveCapacity(sequences.count * length)
        for (index, sequence) in sequences.enumerated() {
            guard sequence.count == length else {
                throw InputError(source, "sequence \(index) has \(sequence.count) tokens, the first has \(length)")
            }
            for id in sequence {
                guard id >= 0, id < configuration.vocabularySize else {
                    throw InputError(source, "token id \(id) in sequence \(index) is outside the vocabulary 0..<\(configuration.vocabularySize)")
                }
                ids.append(Int32(id))
            }
        }
        self.init(ids: ids, batchSize: sequences.count, sequenceLength: length)
    }

    /// Ids already checked.
    init(ids: [Int32], batchSize: Int, sequenceLength: Int) {
        self.ids = ids
        self.batchSize = batchSize
        self.sequenceLength = sequenceLength
    }

    /// The number of tokens, `batchSize` x `sequenceLength`.
    public var tokenCount: Int { ids.count }
}

extension LlamaBatch: Sendable {}
