import Foundation
import Testing
@testable import QLoRAEngine

/// Training steps: what moves, what stays, and the same bits on any number of threads.
@Suite struct LlamaTrainerTests {
    static func steps(_ trainer: inout LlamaTrainer, _ batch: LlamaBatch, count: Int) throws -> [Float] {
        try (0..<count).map { _ in try trainer.step(batch) }
    }

    @Test func fullFineTuningLowersTheLossAndMovesEveryTensor() throws {
        let fixture = try LlamaFixture()
        let model = try fixture.model()
        var trainer = try LlamaTrainer(model: model, batchSize: 2, sequenceLength: 24, training: .full, optimizer: .adamW(learningRate: 3e-3))
        let losses = try Self.steps(&trainer, fixture.batch(), count: 5)
        #expect(losses[0] == fixture.expected.loss || abs(losses[0] - fixture.expected.loss) <= 1e-5 * losses[0])
        #expect(losses.last! < losses[0] - 0.1)
        let before = model.namedTensors(), after = trainer.model.namedTensors()
        for name in model.tensorNames { #expect(before[name] != after[name], "\(name)") }
    }

    @Test(arguments: [FrozenBase.Format.float32, .nf4, .int4])
    func adapterTrainingMovesOnlyTheAdapters(format: FrozenBase.Format) throws {
        let fixture = try LlamaFixture()
        var model = try fixture.model().quantized(format, doubleQuantization: format == .nf4)
        try model.addAdapters(.init(lora: .init(rank: 4, alpha: 8)), seed: 5)
        var trainer = try LlamaTrainer(model: model, batchSize: 2, sequenceLength: 24, training: .adapters, optimizer: .adamW(learningRate: 1e-2))
        let losses = try Self.steps(&trainer, fixture.batch(), count: 4)
        #expect(losses.last! < losses[0])
        #expect(trainer.model.namedTensors() == model.namedTensors())
        #expect(trainer.model.adapterTensors() != model.adapterTensors())
    }

    @Test(arguments: [LlamaWorkspace.Training.adapters, .full])
    func stepsAreTheSameBitsOnOneThreadAndTwo(training: LlamaWorkspace.Training) throws {
        let fixture = try LlamaFixture()
        var model = try fixture.model()
        if training == .adapters { try model.addAdapters(.init(lora: .init(rank: 4, alpha: 8)), seed: 1) }
        var one = try LlamaTrainer(model: model, batchSize: 2, sequenceLength: 24, training: training, threads: 1)
        var two = try LlamaTrainer(model: model, batchSize: 2, sequenceLength: 24, training: training, threads: 2)
        let batch = try fixture.batch()
        #expect(try Self.steps(&one, batch, count: 3) == Self.steps(&two, batch, count: 3))
        #expect(one.model.namedTensors() == two.model.namedTensors())
        #expect(one.model.adapterTensors() == two.model.adapterTensors())
    }

    @Test func trainingWithoutAdaptersOrOnAPackedBaseIsRefused() throws {
        let fixture = try LlamaFixture()
        let model = try fixture.model()
        #expect(throws: InputError.self) { try LlamaTrainer(model: model, batchSize: 2, sequenceLength: 24, training: .adapters) }
        #expect { try LlamaTrainer(model: model.quantized(.nf4), batchSize: 2, sequenceLength: 24, training: .full) } throws: { error in
            (error as? InputError)?.source == "model.layers.0.self_attn.q_proj.weight"
        }
        var withDropout = model
        try withDropout.addAdapters(.init(lora: .init(rank: 2, alpha: 2, dropout: 0.1)), seed: 0)
        #expect { try LlamaTrainer(model: withDropout, batchSize: 2, sequenceLength: 24, training: .adapters) } throws: { error in
            (error as? InputError)?.source == "lora_dropout"
        }
    }
}

/// Sampling: seeded, and greedy at temperature 0 or top-k 1.
@Suite struct LlamaSamplingTests {
    @Test func samplingIsSeededAndGreedyAtTemperatureZero() throws {
        let fixture = try LlamaFixture()
        let model = try fixture.model()
        let prompt = Array(fixture.tokens[0].prefix(5))
        let first = try model.sample(prompt: prompt, count: 12, temperature: 0.8, topK: 20, seed: 9)
        #expect(first.count == 12 && first.allSatisfy { (0..<256).contains($0) })
        #expect(try model.sample(prompt: prompt, count: 12, temperature: 0.8, topK: 20, seed: 9) == first)
        #expect(try model.sample(prompt: prompt, count: 12, temperature: 0.8, topK: 20, seed: 10) != first)
        let greedy = try model.sample(prompt: prompt, count: 3, temperature: 0)
        #expect(try model.sample(prompt: prompt, count: 3, temperature: 1.5, topK: 1, seed: 4) == greedy)
        // The first greedy token is the argmax of the last position's logits.
        let workspace = try LlamaWorkspace(for: model, batchSize: 1, sequenceLength: 5)
        let logits = try model.logits(LlamaBatch([prompt], for: LlamaFixture.configuration), workspace: workspace)
        let last = Array(logits.scalars[(4 * 256)..<(5 * 256)])
        #expect(greedy[0] == last.indices.max { last[$0] < last[$1] })
    }

    @Test func samplingSlidesPastTheContext() throws {
        let fixture = try LlamaFixture()
        var configuration = LlamaFixture.configuration
        configuration.maxPositionEmbeddings = 8
        let model = try LlamaModel(configuration: configuration, tensors: fixture.tensors)
        #expect(try model.sample(prompt: Array(fixture.tokens[0].prefix(6)), count: 5, seed: 1).count == 5)
    }

    @Test func badSamplingSettingsAreNamed() throws {
        let model = try LlamaFixture().model()
        #expect { try model.sample(prompt: [], count: 1) } throws: { ($0 as? InputError)?.source == "--prompt" }
        #expect { try model.sample(prompt: [300], count: 1) } throws: { ($0 as? InputError)?.source == "--prompt" }
        #expect { try model.sample(prompt: [1], count: 1, temperature: -1) } throws: { ($0 as? InputError)?.source == "--temperature" }
        #expect { try model.sample(prompt: [1], count: 1, topK: 0) } throws: { ($0 as? InputError)?.source == "--top-k" }
    }
}
