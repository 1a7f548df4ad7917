import Foundation
import Testing
@testable import QLoRAEngine

/// The comparisons the lessons run on a Llama, on the fixture's small random model: what each
/// entry is, that it matches the model calls it stands for, and that cancelling stops it.
@Suite struct LlamaComparisonTests {
    /// A text the fixture's byte vocabulary reads: the lessons' prose.
    static func text() throws -> ByteCorpus { try ShippedModels.corpus(.prose) }

    /// Four windows of 32 tokens from the start of the text.
    static func windows() throws -> [[Int]] { Array(try text().windows(length: 32).prefix(4)) }

    @Test func eachTypeIsScoredAsTheQuantizedModelItStandsFor() throws {
        let model = try LlamaFixture().model()
        let sequences = try Self.windows()
        var settings = QuantizedLlamaComparison.Settings()
        settings.doubleQuantization = true
        let comparison = try QuantizedLlamaComparison(model: model, sequences: sequences, settings: settings)
        #expect(comparison.float.evaluation == (try model.evaluate(sequences)))
        #expect(comparison.float.codeUsage == nil && comparison.float.weightMeanSquaredError == 0)
        #expect(comparison.float.bitsPerParameter == 32)
        #expect(comparison.quantized.map(\.format) == [.int4, .fp4, .nf4])
        let nf4 = try #require(comparison.entry(.nf4))
        #expect(nf4.evaluation == (try model.quantized(.nf4, blocksize: 64, doubleQuantization: true).evaluate(sequences)))
        // Double quantization applies to NF4 and FP4; int4 keeps one float32 scale per block of 64.
        #expect(try #require(comparison.entry(.int4)).bitsPerParameter == 4.5)
        #expect(nf4.bitsPerParameter < 4.2)
        for entry in comparison.quantized {
            let usage = try #require(entry.codeUsage)
            #expect(usage.entropyBits > 3 && usage.entropyBits <= 4)
            #expect(entry.weightMeanSquaredError > 0)
            #expect(entry.evaluation.loss != comparison.float.evaluation.loss)
        }
        // The fixture's weights are drawn from a normal: NF4 rounds them closest.
        #expect(nf4.weightMeanSquaredError < comparison.entry(.int4)!.weightMeanSquaredError)
        #expect(nf4.weightMeanSquaredError < comparison.entry(.fp4)!.weightMeanSquaredError)
    }

    @Test func aQuantizedModelIsRefusedAndCancellingStops() throws {
        let model = try LlamaFixture().model()
        #expect(throws: InputError.self) {
            _ = try QuantizedLlamaComparison(model: try model.quantized(.nf4), sequences: try Self.windows())
        }
        #expect(throws: CancellationError.self) {
            _ = try QuantizedLlamaComparison(model: model, sequences: try Self.windows(), isCancelled: { true })
        }
    }

    static func mergeSettings() -> LlamaAdapterMerge.Settings {
        var settings = LlamaAdapterMerge.Settings()
        settings.lora = .init(rank: 4, alpha: 8)
        settings.steps = 3
        settings.batchSize = 2
        settings.sequenceLength = 32
        settings.learningRate = 1e-2
        return settings
    }

    @Test func mergingIntoFloatKeepsTheLossAndIntoNF4ChangesIt() throws {
        let model = try LlamaFixture().model()
        let heldOut = [try Self.windows()]
        let merge = try LlamaAdapterMerge(model: model, training: try Self.text(), heldOut: heldOut, settings: Self.mergeSettings())
        #expect(merge.trainingLosses.count == 3)
        #expect(merge.loss(.floatBase, text: 0) == (try model.evaluate(heldOut[0])).loss)
        #expect(merge.loss(.quantizedBase, text: 0) == (try model.quantized(.nf4, blocksize: 64, doubleQuantization: true).evaluate(heldOut[0])).loss)
        // Training moved the model; the float merge computes what the unmerged adapter did.
        #expect(merge.loss(.quantizedWithAdapter, text: 0) != merge.loss(.quantizedBase, text: 0))
        let floatChange = abs(merge.loss(.mergedFloat, text: 0) - merge.loss(.floatWithAdapter, text: 0))
        let quantizedChange = abs(merge.loss(.mergedQuantized, text: 0) - merge.loss(.quantizedWithAdapter, text: 0))
        #expect(floatChange < 1e-4)
        #expect(quantizedChange > 10 * floatChange)
    }

    @Test func mergeCancels() throws {
        #expect(throws: CancellationError.self) {
            _ = try LlamaAdapterMerge(
                model: try LlamaFixture().model(), training: try Self.text(), heldOut: [try Self.windows()],
                settings: Self.mergeSettings(), isCancelled: { true })
        }
    }

    @Test func bothRecipesStartAtTheBaseAndDifferInTheirA() throws {
        var settings = LoRAInitializationComparison.Settings()
        settings.rank = 4
        settings.steps = 3
        settings.batchSize = 2
        settings.sequenceLength = 32
        let comparison = try LoRAInitializationComparison(model: try LlamaFixture().model(), training: try Self.text(), settings: settings)
        #expect(comparison.baseLosses.count == 3)
        for recipe in LoRAInitializationComparison.Recipe.allCases {
            let losses = try #require(comparison.losses[recipe])
            #expect(losses.count == 3)
            // B starts at zero: the first batch sees the base's loss exactly, and later ones do not.
            #expect(losses[0] == comparison.baseLosses[0])
            #expect(losses[2] != comparison.baseLosses[2])
        }
        let notebook = try #require(comparison.initialAStandardDeviation[.notebook])
        #expect(abs(notebook - 0.01) < 0.001)
        // peft's A is uniform within 1/sqrt(in): in is 64 or 128 here, so its spread is about 0.07.
        #expect(try #require(comparison.initialAStandardDeviation[.peft]) > 4 * notebook)
        #expect(LoRAInitializationComparison.Recipe.notebook.configuration(rank: 8, alpha: 16).scaling == 1.0 / 8)
    }

    @Test func codeUsageEntropyIsFourBitsForEvenUseAndSkipsUnusedCodes() {
        #expect(CodeUsage(codes: 0..<16).entropyBits == 4)
        #expect(CodeUsage(counts: [3: 5, 4: 0]).entropyBits == 0)
        #expect(CodeUsage(codes: [0, 0, 1, 1]).adding(CodeUsage(codes: [2, 3])).counts == [0: 2, 1: 2, 2: 1, 3: 1])
    }
}
