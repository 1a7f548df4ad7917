import Testing
@testable import QLoRAEngine

/// The tiny-Llama comparison on the fixture model (hidden 64, 2 layers) and two short made-up texts.
@Suite struct LlamaFineTuningComparisonTests {
    /// Two texts the fixture's byte vocabulary covers: one of letters, one of digits and signs.
    static func texts() throws -> LlamaFineTuningComparison.Texts {
        let prose = Array(String(repeating: "low rank adapters learn a small change. ", count: 12).utf8)
        let code = Array(String(repeating: "let x = [1, 2, 3].map { $0 * 2 }\n", count: 12).utf8)
        return .init(
            training: try ByteCorpus(Array(prose.prefix(320)), source: "prose"),
            heldOut: try ByteCorpus(Array(prose.suffix(160)), source: "prose held out"),
            pretrainingHeldOut: try ByteCorpus(code, source: "code held out"))
    }

    static func settings(runs: [LlamaFineTuningComparison.Run], threads: Int = 1) -> LlamaFineTuningComparison.Settings {
        var settings = LlamaFineTuningComparison.Settings()
        settings.runs = runs
        settings.steps = 3
        settings.batchSize = 2
        settings.sequenceLength = 16
        settings.evaluationWindows = 3
        settings.seed = 4
        settings.threads = threads
        settings.sampling = .init(prompt: Array("low ".utf8).map(Int.init), count: 6)
        return settings
    }

    static let rank4 = LlamaLoRASettings(lora: .init(rank: 4, alpha: 8))
    static let standardRuns = FineTuningMethod.llamaStandard.map { LlamaFineTuningComparison.Run(method: $0, adapters: rank4) }

    @Test func everyRunStartsFromTheBaseAndSeesTheSameBatches() throws {
        let base = try LlamaFixture().model()
        let comparison = try LlamaFineTuningComparison(base: base, texts: Self.texts(), settings: Self.settings(runs: Self.standardRuns))
        #expect(comparison.results.map(\.run.method) == FineTuningMethod.llamaStandard)
        let full = try #require(comparison.result(for: .full))
        let lora = try #require(comparison.result(for: .lora))
        let nf4 = try #require(comparison.result(for: .qloraNF4))
        // The same float weights, B = 0 and the same first batch: the same first loss, bit for bit.
        #expect(full.losses.first == lora.losses.first)
        #expect(full.losses.count == 3 && nf4.stepDurations.count == 3)
        // Full and LoRA start from the float base; QLoRA from its NF4 copy, scored on the same windows.
        #expect(full.heldOutBefore == comparison.baseHeldOut && lora.pretrainingBefore == comparison.basePretrainingHeldOut)
        #expect(nf4.heldOutBefore != comparison.baseHeldOut)
        #expect(nf4.heldOutBefore.tokens == comparison.baseHeldOut.tokens)
        let stored = try base.quantized(.nf4, blocksize: 64, doubleQuantization: true)
        let windows = LlamaFineTuningComparison.evaluationWindows(try Self.texts().heldOut, comparison.settings)
        #expect(windows.count == 3)
        #expect(nf4.heldOutBefore == (try stored.evaluate(windows, batchSize: 2)))
        // Training moved every run; two identical runs give identical results.
        for result in comparison.results { #expect(result.heldOutAfter != result.heldOutBefore) }
        let twice = try LlamaFineTuningComparison(
            base: base, texts: Self.texts(), settings: Self.settings(runs: [Self.standardRuns[1], Self.standardRuns[1]]))
        #expect(twice.results[0].losses == twice.results[1].losses && twice.results[0].losses == lora.losses)
    }

    @Test func trainableCountsAreReadOffTheGradientBuffers() throws {
        let base = try LlamaFixture().model()
        let queryValue = try LlamaLoRASettings(lora: .init(rank: 4, alpha: 8), targetModules: ["q_proj", "v_proj"])
        let runs = Self.standardRuns + [.init(method: .qloraNF4, adapters: queryValue)]
        let comparison = try LlamaFineTuningComparison(base: base, texts: Self.texts(), settings: Self.settings(runs: runs))
        #expect(comparison.results[0].trainableParameters == base.parameterCount)
        #expect(comparison.baseParameterCount == base.parameterCount)
        var adapted = base
        try adapted.addAdapters(Self.rank4, seed: 0)
        for result in comparison.results[1...3] { #expect(result.trainableParameters == adapted.adapterParameterCount) }
        try adapted.addAdapters(queryValue, seed: 0)
        #expect(comparison.results[4].trainableParameters == adapted.adapterParameterCount)
        #expect(comparison.results[4].trainableParameters < comparison.results[3].trainableParameters)
    }

    @Test func resultsAreTheSameBitsOnOneThreadAndTwo() throws {
        let base = try LlamaFixture().model()
        let one = try LlamaFineTuningComparison(base: base, texts: Self.texts(), settings: Self.settings(runs: Self.standardRuns, threads: 1))
        let two = try LlamaFineTuningComparison(base: base, texts: Self.texts(), settings: Self.settings(runs: Self.standardRuns, threads: 2))
        func timeless(_ comparison: LlamaFineTuningComparison) -> [LlamaFineTuningComparison.RunResult] {
            comparison.results.map { result in
                var result = result
                result.stepDurations = []
                return result
            }
        }
        #expect(timeless(one) == timeless(two))
        #expect(one.baseSample == two.baseSample && one.baseSample?.count == 6)
        #expect(one.results.allSatisfy { $0.sample?.count == 6 })
    }

    @Test func unusableSettingsAndTextsAreInputErrors() throws {
        let base = try LlamaFixture().model()
        let texts = try Self.texts()
        #expect(throws: InputError.self) {
            try LlamaFineTuningComparison(base: base, texts: texts, settings: Self.settings(runs: []))
        }
        #expect(throws: InputError.self) {
            try LlamaFineTuningComparison(base: base, texts: texts, settings: Self.settings(runs: [.init(method: .lora, adapters: nil)]))
        }
        #expect(throws: InputError.self) {
            try LlamaFineTuningComparison(base: base.quantized(.nf4), texts: texts, settings: Self.settings(runs: [.full]))
        }
        var short = texts
        short.heldOut = try ByteCorpus(Array("too short".utf8), source: "short")
        #expect { try LlamaFineTuningComparison(base: base, texts: short, settings: Self.settings(runs: [.full])) } throws: { error in
            (error as? InputError)?.source == "--context"
        }
    }

    @Test func cancellingStopsAfterTheStepItWasAskedAt() throws {
        let base = try LlamaFixture().model()
        var steps = 0
        #expect(throws: CancellationError.self) {
            try LlamaFineTuningComparison(
                base: base, texts: Self.texts(), settings: Self.settings(runs: Self.standardRuns),
                onStep: { _, _ in steps += 1 }, isCancelled: { steps == 4 })
        }
        #expect(steps == 4)
    }
}
