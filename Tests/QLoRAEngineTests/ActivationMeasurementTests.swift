import Foundation
import Testing
@testable import QLoRAEngine

/// Every line `measure_activations.py` measured (`Fixtures/activations/`): the activation model must land
/// within 10% of PyTorch's per-layer and outside-layer bytes in the same setting.
@Suite struct ActivationMeasurementTests {
    /// One measured line: the script's settings and what it counted.
    struct Measurement: Decodable, CustomTestStringConvertible, Sendable {
        struct Settings: Decodable, Sendable {
            var hidden: Int
            var inter: Int
            var heads: Int
            var kv: Int
            var vocab: Int
            var batch: Int
            var seq: Int
            var rank: Int
            var attn: String
            var checkpointing: Bool
            /// lora, qlora, or full (full fine-tuning, no adapters).
            var recipe: String
            /// The base's type: bfloat16, or float32 for full fine-tuning in float32.
            var dtype: String
            /// Absent from the reference lines, which adapt every linear layer.
            var targets: String?
        }

        var settings: Settings
        var per_layer_bytes: Int
        var outside_layers_bytes: Int
        var file = ""

        enum CodingKeys: String, CodingKey { case settings, per_layer_bytes, outside_layers_bytes }

        var testDescription: String {
            let s = settings
            return "\(file): h\(s.hidden) i\(s.inter) heads \(s.heads)/\(s.kv) vocab \(s.vocab) \(s.batch)x\(s.seq) "
                + "r\(s.rank) \(s.attn) \(s.recipe) \(s.dtype)\(s.checkpointing ? " checkpointing" : "") \(s.targets ?? "all-linear")"
        }

        /// The engine's configuration for the measured setting: a bfloat16 base under the lora recipe,
        /// the 4-bit base under the qlora recipe, a float32 base as LoRA under the qlora recipe, full
        /// fine-tuning in bfloat16 (mixed precision's 16-bit weights) or float32; two decoder layers.
        func configuration() throws -> MemoryEstimate.Configuration {
            let s = settings
            let model = ModelArchitecture(
                name: "measured", hidden: s.hidden, intermediate: s.inter, layers: 2, heads: s.heads, kvHeads: s.kv,
                vocab: s.vocab, tieEmbeddings: false)
            let method: MemoryEstimate.Method
            let recipe: MemoryEstimate.Recipe?
            if s.recipe == "full" {
                method = s.dtype == "float32" ? .fullFP32 : .fullMixedPrecision
                recipe = nil
            } else if s.dtype == "float32" {
                // A float32 base under peft is what prepare_model_for_kbit_training makes of a 16-bit one.
                try #require(s.recipe == "lora")
                (method, recipe) = (.lora, .qlora)
            } else {
                recipe = try MemoryEstimate.Recipe(named: s.recipe)
                method = recipe == .qlora ? .qlora(.init()) : .lora
            }
            return MemoryEstimate.Configuration(
                model: model, method: method, rank: s.rank,
                targets: try LinearModule.targets(s.targets ?? LinearModule.allLinearName), batch: s.batch,
                sequenceLength: s.seq, gradientCheckpointing: s.checkpointing,
                attention: try MemoryEstimate.Attention(named: s.attn), recipe: recipe)
        }
    }

    static let fixtureFolder = Bundle.module.resourceURL?.appendingPathComponent("Fixtures/activations")

    /// Every line of every `.jsonl` file in the folder.
    static func measurements() throws -> [Measurement] {
        guard let folder = fixtureFolder else { return [] }
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".jsonl") }
        return try files.sorted().flatMap { file in
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            return try text.split(separator: "\n").map { line in
                var measurement = try JSONDecoder().decode(Measurement.self, from: Data(line.utf8))
                measurement.file = file
                return measurement
            }
        }
    }

    @Test func fixturesHoldTheReferenceAndFurtherShapes() throws {
        let measurements = try Self.measurements()
        #expect(measurements.filter { $0.file == "measured-qlora-lora.jsonl" }.count == 7)
        #expect(measurements.count > 7)
    }

    @Test(arguments: try measurements())
    func perLayerAndOutsideBytesWithinTenPercent(measurement: Measurement) throws {
        let activations = try MemoryEstimate(measurement.configuration()).activations
        let perLayerError = Double(activations.savedPerLayer) / Double(measurement.per_layer_bytes) - 1
        let outsideError = Double(activations.savedOutsideLayers) / Double(measurement.outside_layers_bytes) - 1
        #expect(abs(perLayerError) <= 0.10, "per layer: \(activations.savedPerLayer) against \(measurement.per_layer_bytes)")
        #expect(abs(outsideError) <= 0.10, "outside: \(activations.savedOutsideLayers) against \(measurement.outside_layers_bytes)")
    }
}
