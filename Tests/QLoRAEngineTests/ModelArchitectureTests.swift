import Foundation
import Testing
@testable import QLoRAEngine

/// The architecture table against the reference JSON made from the models' `config.json` files.
@Suite struct ModelArchitectureTests {
    struct Reference: Decodable {
        struct Model: Decodable {
            var hidden: Int
            var intermediate: Int
            var layers: Int
            var heads: Int
            var kv_heads: Int
            var vocab: Int
            var tie_embeddings: Bool
            var qkv_bias: Bool?
            var params: Int
        }

        struct PeftPrinted: Decodable {
            var model: String
            var r: Int
            var targets: [String]
            var line: String
        }

        var models: [String: Model]
        var peft_printed: [PeftPrinted]
    }

    /// The copy of the reference JSON in the fixtures.
    static func reference() throws -> Reference {
        let url = try #require(
            Bundle.module.url(forResource: "architectures", withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }

    @Test func tableHasExactlyTheReferenceModels() throws {
        #expect(Set(ModelArchitecture.known.map(\.name)) == Set(try Self.reference().models.keys))
        #expect(ModelArchitecture.known.count == 9)
    }

    @Test(arguments: ModelArchitecture.known)
    func shapesEqualTheReference(model: ModelArchitecture) throws {
        let expected = try #require(try Self.reference().models[model.name])
        #expect(model.hidden == expected.hidden)
        #expect(model.intermediate == expected.intermediate)
        #expect(model.layers == expected.layers)
        #expect(model.heads == expected.heads)
        #expect(model.kvHeads == expected.kv_heads)
        #expect(model.vocab == expected.vocab)
        #expect(model.tieEmbeddings == expected.tie_embeddings)
        #expect(model.qkvBias == (expected.qkv_bias ?? false))
    }

    /// The reference's `params` was cross-checked against peft; our count from the shapes must equal it.
    @Test(arguments: ModelArchitecture.known)
    func parameterCountEqualsTheReference(model: ModelArchitecture) throws {
        let expected = try #require(try Self.reference().models[model.name])
        #expect(model.parameterCount == expected.params)
    }

    @Test func peftPrintedLinesAreReproduced() throws {
        let printedLines = try Self.reference().peft_printed
        #expect(!printedLines.isEmpty)
        for printed in printedLines {
            let model = try ModelArchitecture.named(printed.model)
            let targets = try LinearModule.targets(printed.targets.joined(separator: ","))
            let counts = TrainableParameters.lora(model, rank: printed.r, targets: targets)
            // The reference was printed by a peft that did not group digits; the numbers are what must agree.
            #expect(printed.line == "trainable params: \(counts.trainable) || all params: \(counts.all) || trainable%: \(counts.percent)")
        }
    }

    @Test func theAcceptanceLineIsExact() throws {
        let model = try ModelArchitecture.named("llama-2-7b")
        let counts = TrainableParameters.lora(model, rank: 8, targets: [.qProj, .vProj])
        #expect(
            counts.printedLine == "trainable params: 4,194,304 || all params: 6,742,609,920 || trainable%: 0.0622")
    }

    @Test func unknownModelListsTheKnownOnes() {
        #expect(throws: InputError("model", "unknown model 'gpt-5'; expected one of: "
            + ModelArchitecture.known.map(\.name).joined(separator: ", "))) {
            try ModelArchitecture.named("gpt-5")
        }
    }

    @Test func quantizedParametersAreTheDecoderLinearWeights() throws {
        let model = try ModelArchitecture.named("llama-2-7b")
        #expect(model.quantizedParameters == 32 * (4 * 4096 * 4096 + 3 * 4096 * 11008))
        #expect(model.parameterCount - model.quantizedParameters == 2 * 32000 * 4096 + 65 * 4096)
    }
}
