import Foundation
import QLoRAEngine

/// The `--json` shape of `qlora-tutor memory`, kept stable for scripts.
///
/// Keys are snake_case and sorted; byte counts are integers, gigabytes (10^9) and gibibytes (2^30)
/// are numbers. `estimates` holds one object per method in the order printed (`full-fp32`,
/// `full-mixed`, `lora`, `qlora`); each maps every part (`weights`, `quantization_constants`,
/// `adapter_weights`, `gradients`, `optimizer_states`, `activations`) and `total` to its size.
/// `notebook` holds one object per compared method (every method but `full-fp32`).
struct MemoryReport: Encodable {
    struct Model: Encodable {
        var name: String
        var parameters: Int
        var hidden: Int
        var intermediate: Int
        var layers: Int
        var heads: Int
        var kvHeads: Int
        var vocab: Int
        var tieEmbeddings: Bool
        var qkvBias: Bool

        init(_ model: ModelArchitecture) {
            name = model.name
            parameters = model.parameterCount
            hidden = model.hidden
            intermediate = model.intermediate
            layers = model.layers
            heads = model.heads
            kvHeads = model.kvHeads
            vocab = model.vocab
            tieEmbeddings = model.tieEmbeddings
            qkvBias = model.qkvBias
        }
    }

    struct Settings: Encodable {
        var rank: Int
        var alpha: Double
        var scaling: Double
        var targets: [String]
        var batch: Int
        var sequenceLength: Int
        var gradientCheckpointing: Bool
        var optimizer: String
        /// The 4-bit storage, present when QLoRA is among the methods.
        var quantType: String?
        var blocksize: Int?
        var doubleQuant: Bool?
    }

    struct Estimate: Encodable {
        struct Activations: Encodable {
            var decoderLayers: Int
            var adapterOutputs: Int
            var logits: Int
        }

        var method: String
        var bytes: [String: Int]
        var gigabytes: [String: Double]
        var gibibytes: [String: Double]
        var activations: Activations
        var trainableParams: Int
        var allParams: Int
        var trainablePercent: Double
        var peftLine: String
        var fitsGpusGb: [Int]

        init(_ estimate: MemoryEstimate) {
            method = estimate.configuration.method.name
            let amounts = MemoryEstimate.Part.allCases.map { ($0.rawValue, estimate[$0]) } + [("total", estimate.total)]
            bytes = Dictionary(uniqueKeysWithValues: amounts.map { ($0.0, $0.1.bytes) })
            gigabytes = Dictionary(uniqueKeysWithValues: amounts.map { ($0.0, $0.1.gigabytes) })
            gibibytes = Dictionary(uniqueKeysWithValues: amounts.map { ($0.0, $0.1.gibibytes) })
            activations = Activations(
                decoderLayers: estimate.activations.decoderLayers,
                adapterOutputs: estimate.activations.adapterOutputs, logits: estimate.activations.logits)
            trainableParams = estimate.parameters.trainable
            allParams = estimate.parameters.all
            trainablePercent = estimate.parameters.percent
            peftLine = estimate.parameters.peftLine
            fitsGpusGb = estimate.gpuFit.fittingCapacities
        }
    }

    struct NotebookRow: Encodable {
        var method: String
        var tableGb: Int
        var formulaBytes: Int
        var oursBytes: Int
        var reason: String
    }

    var model: Model
    var settings: Settings
    var estimates: [Estimate]
    var notebook: [NotebookRow]
}

extension MemoryCommand {
    /// The estimates as the `--json` object.
    static func reportJSON(_ estimates: [MemoryEstimate]) throws -> String {
        guard let first = estimates.first?.configuration else { return "{}" }
        let qlora = estimates.lazy.compactMap(\.configuration.method.fourBitBase).first
        let settings = MemoryReport.Settings(
            rank: first.rank, alpha: first.alpha, scaling: first.scaling, targets: first.targets.map(\.rawValue),
            batch: first.batch, sequenceLength: first.sequenceLength,
            gradientCheckpointing: first.gradientCheckpointing, optimizer: first.optimizer.rawValue,
            quantType: qlora?.dataType.rawValue, blocksize: qlora?.blocksize, doubleQuant: qlora?.doubleQuantization)
        let notebook = estimates.filter { $0.configuration.method != .fullFP32 }.map { estimate in
            let row = NotebookMemoryTable(comparingWith: estimate.configuration.method)
            return MemoryReport.NotebookRow(
                method: estimate.configuration.method.name, tableGb: row.tableGigabytes,
                formulaBytes: row.formulaBytes, oursBytes: estimate.total.bytes,
                reason: NotebookMemoryTable.reason(comparedWith: estimate))
        }
        let report = MemoryReport(
            model: .init(first.model), settings: settings, estimates: estimates.map(MemoryReport.Estimate.init),
            notebook: notebook)
        return try CommandOutput.json(report)
    }

    /// The known architectures as a JSON array.
    static func modelsJSON() throws -> String {
        try CommandOutput.json(ModelArchitecture.known.map(MemoryReport.Model.init))
    }

}
