import Testing
@testable import QLoRAEngine

@Suite struct TrainerTests {
    static let task = ToyTask(kind: .lowRankShift, seed: 1)

    static func trainer(method: FineTuningMethod = .full, seed: UInt64 = 7) throws -> Trainer {
        var generator = SeededGenerator(seed: 2)
        let network = try ToyNetwork(widths: task.studentWidths, generator: &generator)
            .prepared(for: method, adapter: .init(rank: 2, alpha: 4, dropout: 0.1), generator: &generator)
        return try Trainer(network: network, data: task.source, optimizer: Adam(learningRate: 1e-2), batchSize: 16, seed: seed)
    }

    @Test func theLossFallsAndTheSameSeedGivesTheSameLosses() throws {
        var first = try Self.trainer(), second = try Self.trainer()
        let losses = first.run(steps: 60).map(\.loss)
        #expect(second.run(steps: 60).map(\.loss) == losses)
        let start = losses.prefix(10).reduce(0, +), end = losses.suffix(10).reduce(0, +)
        #expect(end < 0.7 * start)
        #expect(first.evaluate(on: Self.task.source).accuracy > 0.5)
    }

    @Test func returningFalseFromTheCallbackStopsTraining() throws {
        var trainer = try Self.trainer()
        var seen: [Int] = []
        let reports = trainer.run(steps: 50) { report in
            seen.append(report.step)
            return report.step < 4
        }
        #expect(seen == [1, 2, 3, 4])
        #expect(reports.count == 4 && trainer.stepsTaken == 4)
    }

    @Test func cancellingTheTaskStopsTraining() async throws {
        let trainer = try Self.trainer()
        let task = Task {
            var trainer = trainer
            withUnsafeCurrentTask { $0?.cancel() }
            return trainer.run(steps: 50).count
        }
        #expect(await task.value == 0)
    }

    @Test func theStreamYieldsEachStepAndStopsWhenTheConsumerDoes() async throws {
        let trainer = try Self.trainer(method: .qloraNF4)
        var steps: [Int] = []
        for await report in trainer.reports(steps: 1000) {
            steps.append(report.step)
            if steps.count == 5 { break }
        }
        #expect(steps == [1, 2, 3, 4, 5])
        var all: [Float] = []
        for await report in trainer.reports(steps: 8) { all.append(report.loss) }
        var direct = trainer
        #expect(all == direct.run(steps: 8).map(\.loss))
    }

    /// Backpropagation through ReLUs and every layer kind agrees with central differences of the
    /// cross-entropy.
    @Test(arguments: [FineTuningMethod.full, .qloraNF4])
    func networkGradientsAgreeWithFiniteDifferences(method: FineTuningMethod) throws {
        var generator = SeededGenerator(seed: 5)
        var network = try ToyNetwork(widths: [5, 7, 3], generator: &generator)
            .prepared(for: method, adapter: .init(rank: 2, alpha: 2), generator: &generator)
        // Give every adapter a non-zero B so that A's gradient is not trivially zero.
        network.layers = network.layers.map { layer in
            guard case .adapted(var adapted) = layer else { return layer }
            adapted.b = .normal(rows: adapted.outFeatures, columns: 2, standardDeviation: 0.5, using: &generator)
            return .adapted(adapted)
        }
        let inputs = Tensor.normal(rows: 4, columns: 5, using: &generator)
        let labels = [0, 2, 1, 2]
        func loss(_ network: ToyNetwork) -> Double {
            Double(Trainer.evaluate(network, on: ToyTask.Dataset(inputs: inputs, labels: labels)).loss)
        }
        var state = network.makeStepState(rows: 4)
        state.activations[0] = inputs.scalars
        var noDropout: SeededGenerator? = nil
        network.forward(&state, dropoutGenerator: &noDropout)
        let last = state.activations.count - 1
        let logits = state.activations[last]
        _ = logits.withUnsafeBufferPointer { logits in
            labels.withUnsafeBufferPointer { labels in
                state.gradients[last].withUnsafeMutableBufferPointer {
                    Loss.softmaxCrossEntropy(logits: logits, labels: labels, classes: 3, gradient: $0)
                }
            }
        }
        network.backward(&state)
        let step: Float = 1e-2
        for (index, layer) in network.layers.enumerated() {
            switch layer {
            case .dense(let weight):
                for position in weight.scalars.indices {
                    var plus = network, minus = network
                    plus.layers[index] = .dense(Tensor(shape: weight.shape, scalars: weight.scalars.enumerated().map { $0.offset == position ? $0.element + step : $0.element }))
                    minus.layers[index] = .dense(Tensor(shape: weight.shape, scalars: weight.scalars.enumerated().map { $0.offset == position ? $0.element - step : $0.element }))
                    let numeric = (loss(plus) - loss(minus)) / Double(2 * step)
                    #expect(abs(numeric - Double(state.weightGradients[index][position])) < 2e-3, "layer \(index) W[\(position)]")
                }
            case .adapted(let adapted):
                let gradientA = try #require(state.adapterBuffers[index]?.gradientA)
                for position in adapted.a.scalars.indices {
                    var plus = adapted, minus = adapted
                    plus.a.scalars[position] += step
                    minus.a.scalars[position] -= step
                    var plusNetwork = network, minusNetwork = network
                    plusNetwork.layers[index] = .adapted(plus)
                    minusNetwork.layers[index] = .adapted(minus)
                    let numeric = (loss(plusNetwork) - loss(minusNetwork)) / Double(2 * step)
                    #expect(abs(numeric - Double(gradientA[position])) < 2e-3, "layer \(index) A[\(position)]")
                }
            }
        }
    }
}
