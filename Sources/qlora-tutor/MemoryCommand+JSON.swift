import Foundation
import QLoRAEngine

/// The `--json` shape of `qlora-tutor memory`, kept stable for scripts.
///
/// Keys are snake_case and sorted; byte counts are integers, gigabytes (10^9) and gibibytes (2^30)
/// are numbers. `estimates` holds one object per method in the order printed (`full-fp32`,
/// `full-mixed`, `lora`, `qlora`); each maps every part (`weights`, `quantization_constants`,
/// `adapter_weights`, `gradients`, `optimizer_states`, `activations`) and `total` to its size.
/// Each estimate's `activations` gives the memory table's terms (`decoder_layers`, `adapter_outputs`,
/// `logits`, `outside_layers`, `recomputed_layer`), the bytes autograd saves as `measure_activations.py`
/// counts them (`saved_per_layer`, `saved_outside_layers`, `saved_total`, of which `saved_parameter_views`
/// view weights), and the `setting` they describe. `notebook` holds one object per compared method (every
/// method but `full-fp32`).
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
        var headDim: Int

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
            headDim = model.headDimension
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
        var attention: String
        /// The recipe asked for; absent when each method takes its own (see each estimate's `setting`).
        var recipe: String?
        /// The 4-bit storage, present when QLoRA is among the methods.
        var quantType: String?
        var blocksize: Int?
        var doubleQuant: Bool?
    }

    struct Estimate: Encodable {
        struct Activations: Encodable {
            struct Setting: Encodable {
                var attention: String
                /// Absent for full fine-tuning.
                var recipe: String?
                var gradientCheckpointing: Bool
                var hiddenStateDtype: String
                /// Absent for full fine-tuning.
                var adapterDtype: String?
                var logitsDtype: String
                var summary: String

                init(_ setting: MemoryEstimate.ActivationSetting) {
                    attention = setting.attention.rawValue
                    recipe = setting.recipe?.rawValue
                    gradientCheckpointing = setting.gradientCheckpointing
                    hiddenStateDtype = setting.hiddenStateType
                    adapterDtype = setting.recipe == nil ? nil : "float32"
                    logitsDtype = "float32"
                    summary = setting.summary
                }
            }

            var decoderLayers: Int
            var adapterOutputs: Int
            var logits: Int
            var outsideLayers: Int
            var recomputedLayer: Int
            var savedPerLayer: Int
            var savedOutsideLayers: Int
            var savedTotal: Int
            var savedParameterViews: Int
            var setting: Setting

            init(_ activations: MemoryEstimate.Activations) {
                decoderLayers = activations.decoderLayers
                adapterOutputs = activations.adapterOutputs
                logits = activations.logits
                outsideLayers = activations.outsideLayers
                recomputedLayer = activations.recomputedLayer
                savedPerLayer = activations.savedPerLayer
                savedOutsideLayers = activations.savedOutsideLayers
                savedTotal = activations.savedTotal
                savedParameterViews = activations.savedParameterViews
                setting = Setting(activations.setting)
            }
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
            activations = Activations(estimate.activations)
            trainableParams = estimate.parameters.trainable
            allParams = estimate.parameters.all
            trainablePercent = estimate.parameters.percent
            peftLine = estimate.parameters.printedLine
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
            attention: first.attention.rawValue, recipe: first.recipe?.rawValue, quantType: qlora?.dataType.rawValue, blocksize: qlora?.blocksize, doubleQuant: qlora?.doubleQuantization)
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
