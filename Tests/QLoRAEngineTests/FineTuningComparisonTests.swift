import Testing
@testable import QLoRAEngine

@Suite struct FineTuningComparisonTests {
    static let comparison: FineTuningComparison? = {
        var settings = FineTuningComparison.Settings()
        settings.steps = 40
        settings.pretrainingSteps = 60
        settings.methods = FineTuningMethod.allCases
        return try? FineTuningComparison(settings: settings)
    }()

    @Test func everyMethodRunsFromTheSameStart() throws {
        let comparison = try #require(Self.comparison)
        #expect(comparison.results.map(\.method) == FineTuningMethod.allCases)
        let full = try #require(comparison.result(for: .full))
        let lora = try #require(comparison.result(for: .lora))
        // Same network, same first batch, and B = 0: full fine-tuning and LoRA start at the same loss.
        #expect(full.losses.first == lora.losses.first)
        for result in comparison.results {
            #expect(result.losses.count == 40)
            #expect(result.stepDurations.count == 40)
        }
    }

    @Test func trainableParametersAreRankTimesInPlusOutPerLayer() throws {
        let comparison = try #require(Self.comparison)
        let widths = comparison.widths
        let layers = Array(zip(widths, widths.dropFirst()))
        let rank = comparison.settings.adapter.rank
        #expect(comparison.result(for: .full)?.trainableParameters == layers.reduce(0) { $0 + $1.0 * $1.1 })
        #expect(comparison.result(for: .qloraNF4)?.trainableParameters == layers.reduce(0) { $0 + rank * ($1.0 + $1.1) })
    }

    @Test func memoryCountsTheRealBuffers() throws {
        let comparison = try #require(Self.comparison)
        let full = try #require(comparison.result(for: .full)).memory
        let lora = try #require(comparison.result(for: .lora)).memory
        let nf4 = try #require(comparison.result(for: .qloraNF4)).memory
        let int8 = try #require(comparison.result(for: .qloraInt8)).memory
        #expect(full.frozenWeights == 0)
        #expect(lora.frozenWeights == full.trainableParameters)
        #expect(nf4.frozenWeights < int8.frozenWeights && int8.frozenWeights < lora.frozenWeights)
        #expect(nf4.optimizerState == 2 * nf4.trainableParameters)
        #expect(nf4.gradients == nf4.trainableParameters)
        #expect(nf4.scratch == lora.scratch)  // decoded inside the product: no float32 copy of the weight
        #expect(nf4.total == nf4.frozenWeights + nf4.trainableParameters + nf4.gradients + nf4.optimizerState + nf4.activations + nf4.scratch)
    }

    @Test func cancellationAbandonsTheRunEvenWhilePretraining() {
        var settings = FineTuningComparison.Settings()
        settings.steps = 40
        settings.pretrainingSteps = 60
        var checks = 0
        var adaptationSteps = 0
        #expect(throws: CancellationError.self) {
            _ = try FineTuningComparison(
                settings: settings, onStep: { _, _ in adaptationSteps += 1; return true },
                isCancelled: { checks += 1; return checks == 10 })
        }
        #expect(checks == 10 && adaptationSteps == 0, "asked after each pretraining step, stopped at the tenth")
        checks = 0
        #expect(throws: CancellationError.self) {
            _ = try FineTuningComparison(
                settings: settings, onStep: { _, _ in adaptationSteps += 1; return true },
                isCancelled: { checks += 1; return checks == 60 + 45 })
        }
        #expect(adaptationSteps == 45, "40 steps of the first method, 5 of the second")
    }

    @Test func badSettingsThrow() {
        var settings = FineTuningComparison.Settings()
        settings.steps = 0
        #expect(throws: InputError("--steps", "expected a positive integer, got 0")) { try FineTuningComparison(settings: settings) }
        settings.steps = 1
        settings.methods = []
        #expect(throws: InputError.self) { try FineTuningComparison(settings: settings) }
        #expect(throws: InputError.self) { try FineTuningMethod.parseList("lora,,full") }
        #expect(throws: InputError.self) { try ToyTask.kind(named: "LOW-RANK-SHIFT") }
    }
}
