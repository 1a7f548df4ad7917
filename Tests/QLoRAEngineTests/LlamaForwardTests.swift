import Foundation
import Testing
@testable import QLoRAEngine

/// The forward pass against what transformers computed on the fixture model.
@Suite struct LlamaForwardTests {
    @Test func logitsAndLossMatchTransformers() throws {
        let fixture = try LlamaFixture()
        let model = try fixture.model()
        let batch = try fixture.batch()
        let workspace = try LlamaWorkspace(for: model, batchSize: 2, sequenceLength: 24)
        let logits = try model.logits(batch, workspace: workspace)
        let expected = try LlamaFixture.array("logits.npy")
        #expect(logits.shape == [2, 24, 256])
        #expect(llamaClose(logits.scalars, expected, relative: 1e-5))
        let loss = try model.loss(batch, workspace: workspace)
        #expect(abs(loss - fixture.expected.loss) <= 1e-5 * fixture.expected.loss)
    }
}

/// Every decoder linear quantized as bitsandbytes quantizes it, against transformers on the dequantized weights.
@Suite struct LlamaQuantizedTests {
    @Test(arguments: [FrozenBase.Format.nf4, .fp4])
    func quantizedLossMatchesBitsandbytes(format: FrozenBase.Format) throws {
        let fixture = try LlamaFixture()
        let model = try fixture.model().quantized(format, blocksize: 64)
        let workspace = try LlamaWorkspace(for: model, batchSize: 2, sequenceLength: 24)
        let loss = try model.loss(fixture.batch(), workspace: workspace)
        let expected = format == .nf4 ? fixture.expected.loss_nf4 : fixture.expected.loss_fp4
        #expect(abs(loss - expected) <= 1e-5 * expected)
        if format == .nf4 {
            let logits = try model.logits(fixture.batch(), workspace: workspace)
            #expect(llamaClose(logits.scalars, try LlamaFixture.array("logits_nf4.npy"), relative: 1e-5))
        }
    }
}
