extension LlamaTrainer {
    /// Trains `steps` steps on windows of `corpus` drawn at random starts by a generator seeded with
    /// `seed`, each batch as large as the workspace plans; `progress` sees each step's number (from 1)
    /// and its loss before the update. Returns every step's loss: the same on every machine.
    ///
    /// - Throws: `InputError` when the corpus is shorter than one window or holds an id the model
    ///   lacks, or (source `lr`) when a loss is not finite: a run that diverged, whose weights are
    ///   no use to anyone; `CancellationError` when `isCancelled`, asked before each step, turns true.
    public mutating func train(
        on corpus: ByteCorpus, steps: Int, seed: UInt64, isCancelled: () -> Bool = { false },
        progress: (_ step: Int, _ loss: Float) -> Void = { _, _ in }
    ) throws -> [Float] {
        var generator = SeededGenerator(seed: seed)
        var losses: [Float] = []
        losses.reserveCapacity(steps)
        for step in 0..<steps {
            if isCancelled() { throw CancellationError() }
            let batch = try corpus.randomBatch(
                batchSize: workspace.batchSize, length: workspace.sequenceLength, for: model.configuration, using: &generator)
            let loss = try self.step(batch)
            guard loss.isFinite else {
                throw InputError(
                    "lr", "the loss became \(NumberFormat.significant(Double(loss))) at step \(step + 1); expected a learning rate small enough to keep it finite")
            }
            losses.append(loss)
            progress(step + 1, loss)
        }
        return losses
    }
}
