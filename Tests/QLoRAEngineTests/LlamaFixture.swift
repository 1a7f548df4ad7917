import Foundation
@testable import QLoRAEngine

/// `Fixtures/tiny-llama/`: a random `LlamaForCausalLM` and what transformers, peft and
/// bitsandbytes computed on it (see its README).
struct LlamaFixture {
    struct Expected: Decodable {
        let loss: Float
        let loss_nf4: Float
        let loss_fp4: Float
        let loss_lora: Float
        let loss_transformers_nf4_dq: Float
        let trainable_params: Int
        let all_params: Int
    }

    static let root = Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent("tiny-llama")

    /// The fixture's config.json, written out: hidden 64, intermediate 128, 2 layers, 4 heads, 2 kv heads.
    static let configuration = LlamaConfiguration(
        vocabularySize: 256, hiddenSize: 64, intermediateSize: 128, layerCount: 2, attentionHeadCount: 4,
        keyValueHeadCount: 2, headDimension: 16, maxPositionEmbeddings: 128, rmsNormEpsilon: 1e-5, ropeTheta: 10_000)

    let expected: Expected
    let tokens: [[Int]]
    let tensors: [String: Tensor]

    init() throws {
        expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: Self.url("expected.json")))
        tokens = try JSONDecoder().decode([[Int]].self, from: Data(contentsOf: Self.url("tokens.json")))
        tensors = try Self.tensors("model.safetensors")
    }

    static func url(_ path: String) -> URL { root.appendingPathComponent(path) }

    /// Every float tensor of a safetensors file, by name.
    static func tensors(_ path: String) throws -> [String: Tensor] {
        let file = try SafetensorsFile(path: url(path).path)
        var tensors: [String: Tensor] = [:]
        for name in file.names { tensors[name] = try file.array(named: name).tensor(source: name) }
        return tensors
    }

    /// A float32 `.npy` of the fixture.
    static func array(_ path: String) throws -> [Float] {
        try NumpyFile.read(path: url(path).path).float32Values(source: path)
    }

    func model() throws -> LlamaModel { try LlamaModel(configuration: Self.configuration, tensors: tensors) }

    func batch() throws -> LlamaBatch { try LlamaBatch(tokens, for: Self.configuration) }

    /// The adapter's settings: r 4, alpha 8, every decoder linear.
    static let adapterSettings = LlamaLoRASettings(lora: .init(rank: 4, alpha: 8))

    func adaptedModel() throws -> LlamaModel {
        var model = try model()
        try model.loadAdapters(Self.tensors("adapter/adapter_model.safetensors"), settings: Self.adapterSettings)
        return model
    }
}

/// |a - b| ≤ tolerance · max(|b|, floor), elementwise: relative where values are large, absolute near zero.
func llamaClose(_ a: [Float], _ b: [Float], relative tolerance: Float, floor: Float = 1) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(abs($1), floor) }
}
