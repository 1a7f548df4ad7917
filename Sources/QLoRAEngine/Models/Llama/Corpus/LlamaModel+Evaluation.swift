import Foundation

extension LlamaModel {
    /// A loss averaged over many sequences.
    public struct Evaluation: Equatable, Sendable {
        /// Mean cross-entropy per predicted token, in nats.
        public var loss: Double
        /// The number of tokens predicted: each sequence's length less one.
        public var tokens: Int

        /// e to the loss: how many tokens the model hesitates between, on average.
        public var perplexity: Double { exp(loss) }
    }

    /// The causal-LM loss over `sequences` (each of 2 to `max_position_embeddings` ids; lengths may
    /// differ), averaged over every predicted token: each batch's mean weighted by the tokens it predicts.
    ///
    /// Sequences of one length go through the model `batchSize` at a time in one workspace; the
    /// sum runs in double precision in a fixed order, so the result is the same on every machine.
    /// - Throws: `InputError` naming `source` for an id outside the vocabulary or a sequence too long.
    public func evaluate(_ sequences: [[Int]], batchSize: Int = 8, threads: Int = 1, source: String = "tokens") throws -> Evaluation {
        guard let longest = sequences.map(\.count).max() else {
            throw InputError(source, "expected at least one sequence, got none")
        }
        let workspace = try LlamaWorkspace(
            for: self, batchSize: min(batchSize, sequences.count), sequenceLength: longest, threads: threads)
        var total = 0.0
        var tokens = 0
        var start = 0
        while start < sequences.count {
            // A batch runs sequences of one length: take the next run of equal lengths, at most batchSize.
            var end = start + 1
            while end < sequences.count, end - start < workspace.batchSize, sequences[end].count == sequences[start].count {
                end += 1
            }
            let batch = try LlamaBatch(Array(sequences[start..<end]), for: configuration, source: source)
            let predicted = batch.batchSize * (batch.sequenceLength - 1)
            total += Double(try loss(batch, workspace: workspace)) * Double(predicted)
            tokens += predicted
            start = end
        }
        return Evaluation(loss: total / Double(tokens), tokens: tokens)
    }
}
