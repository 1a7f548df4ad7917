import CQLoRAKernels
import Foundation

extension LlamaModel {
    /// Continues `prompt` by `count` tokens, each drawn from the softmax of the last position's
    /// logits divided by `temperature`, among the `topK` likeliest (all when nil); temperature 0
    /// takes the likeliest. The context slides once it reaches `max_position_embeddings`. Seeded:
    /// the same tokens on every machine. `each`, when given, sees every token as it is drawn.
    ///
    /// - Throws: `InputError` for an empty prompt, an id outside the vocabulary, a negative or
    ///   non-finite temperature, or a top-k below 1.
    public func sample(
        prompt: [Int], count: Int, temperature: Float = 1, topK: Int? = nil, seed: UInt64 = 0, each: ((Int) -> Void)? = nil
    ) throws -> [Int] {
        let c = configuration
        guard !prompt.isEmpty else { throw InputError("--prompt", "expected at least one token") }
        if let bad = prompt.first(where: { $0 < 0 || $0 >= c.vocabularySize }) {
            throw InputError("--prompt", "token id \(bad) is outside the vocabulary 0..<\(c.vocabularySize)")
        }
        guard temperature.isFinite, temperature >= 0 else {
            throw InputError("--temperature", "expected a number of at least 0, got \(temperature)")
        }
        if let topK, topK < 1 { throw InputError("--top-k", "expected a positive integer, got \(topK)") }
        guard count >= 0 else { throw InputError("--tokens", "expected a count of at least 0, got \(count)") }
        let context = c.maxPositionEmbeddings
        let workspace = try LlamaWorkspace(for: self, batchSize: 1, sequenceLength: min(context, prompt.count + count))
        var generator = SeededGenerator(seed: seed)
        var tokens = prompt
        var probabilities = [Float](repeating: 0, count: c.vocabularySize)
        var order = Array(0..<c.vocabularySize)
        for _ in 0..<count {
            let window = tokens.suffix(min(context, workspace.sequenceLength)).map { Int32($0) }
            window.withUnsafeBufferPointer { ids in forward(ids, batchSize: 1, sequenceLength: ids.count, workspace: workspace) }
            let last = (window.count - 1) * c.vocabularySize
            let logits = workspace.logits[last..<last + c.vocabularySize]
            // Likeliest first, ties to the lower id, so top-k is the same set everywhere.
            order.sort { (logits[last + $0], $1) > (logits[last + $1], $0) }
            guard temperature > 0 else {
                tokens.append(order[0])
                each?(order[0])
                continue
            }
            let kept = order.prefix(topK.map { min($0, c.vocabularySize) } ?? c.vocabularySize)
            let maximum = logits[last + order[0]]
            // probabilities[slot] is the weight of kept[slot], by the kernels' e^x, not the C
            // library's, which differs between systems: the same draws everywhere.
            for (slot, id) in kept.enumerated() { probabilities[slot] = (logits[last + id] - maximum) / temperature }
            probabilities.withUnsafeMutableBufferPointer { values in
                qlora_exponential(.detected, values.baseAddress, values.baseAddress, kept.count)
            }
            var total: Float = 0
            for slot in 0..<kept.count { total += probabilities[slot] }
            var threshold = generator.nextUnitFloat() * total
            var chosen = kept.last!
            for (slot, id) in kept.enumerated() {
                threshold -= probabilities[slot]
                if threshold < 0 {
                    chosen = id
                    break
                }
            }
            tokens.append(chosen)
            each?(chosen)
        }
        return Array(tokens.dropFirst(prompt.count))
    }
}
