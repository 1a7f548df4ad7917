import Foundation
import Testing
@testable import QLoRAEngine

@Suite struct ShippedModelsTests {
    @Test func theCodeBaseLoadsAsItsConfigSays() throws {
        let model = try ShippedModels.model()
        #expect(model.configuration.hiddenSize == 128)
        #expect(model.configuration.layerCount == 4)
        #expect(model.configuration.vocabularySize == 256)
    }

    @Test(arguments: ShippedModels.Corpus.allCases)
    func everyCorpusIsShippedAndHoldsText(_ corpus: ShippedModels.Corpus) throws {
        let text = try ShippedModels.corpus(corpus)
        #expect(text.bytes.count > 4_000)
        #expect(text.source.hasSuffix(corpus.fileName))
    }

    @Test func theHeldOutProseIsNeverInTheTrainingProse() throws {
        let training = String(decoding: try ShippedModels.corpus(.prose).bytes, as: UTF8.self)
        let heldOut = String(decoding: try ShippedModels.corpus(.proseHeldOut).bytes, as: UTF8.self)
        let longParagraphs = heldOut.components(separatedBy: "\n\n").filter { $0.count > 200 }
        #expect(!longParagraphs.isEmpty)
        for paragraph in longParagraphs { #expect(!training.contains(paragraph)) }
    }
}
