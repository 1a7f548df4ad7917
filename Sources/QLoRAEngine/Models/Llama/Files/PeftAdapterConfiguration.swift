import Foundation

/// What `adapter_config.json` says about a LoRA adapter, as peft's `LoraConfig` reads it.
///
/// The rank, alpha, dropout, rsLoRA and initialization are the engine's `LoRALinear.Configuration`;
/// the target modules pick which decoder linears carry an adapter, by peft's rules.
public struct PeftAdapterConfiguration: Equatable {
    /// Which linears an adapter sits on (`target_modules`).
    public enum TargetModules: Equatable {
        /// A list of names, sorted: a module is targeted when its path is one of them or ends with `.` and one.
        case names([String])
        /// A single string: a regular expression the whole module path must match.
        case pattern(String)
        /// `"all-linear"`: every linear but the output layer.
        case allLinear
    }

    /// Rank, alpha, dropout, rsLoRA and initialization (`r`, `lora_alpha`, `lora_dropout`, `use_rslora`, `init_lora_weights`).
    public var lora: LoRALinear.Configuration
    /// `target_modules`.
    public var targetModules: TargetModules
    /// `base_model_name_or_path`: where the base model came from (a hub name or a folder), if known.
    public var baseModelNameOrPath: String?

    /// Creates a configuration.
    public init(lora: LoRALinear.Configuration, targetModules: TargetModules, baseModelNameOrPath: String? = nil) {
        self.lora = lora
        self.targetModules = targetModules
        self.baseModelNameOrPath = baseModelNameOrPath
    }

    /// The configuration peft writes for a model's adapter `settings`: `all-linear` when every
    /// decoder linear is a target, else the module names.
    public init(_ settings: LlamaLoRASettings, baseModelNameOrPath: String? = nil) {
        let every = settings.targets == LlamaProjection.allCases
        self.init(
            lora: settings.lora, targetModules: every ? .allLinear : .names(settings.targetModules.sorted()),
            baseModelNameOrPath: baseModelNameOrPath)
    }

    /// Whether the module at `path` (such as `model.layers.0.self_attn.q_proj`) is targeted, by peft's
    /// `check_target_module_exists`: a string is matched as a whole against the path, a list by name suffix.
    public func targets(_ path: String) -> Bool {
        switch targetModules {
        case .allLinear:
            return true  // every decoder linear; lm_head is not a candidate here
        case .names(let names):
            return names.contains { path == $0 || path.hasSuffix("." + $0) }
        case .pattern(let pattern):
            guard let expression = try? NSRegularExpression(pattern: pattern) else { return false }
            let whole = NSRange(path.startIndex..., in: path)
            return expression.firstMatch(in: path, options: [.anchored], range: whole).map { $0.range == whole } ?? false
        }
    }

    /// The model's adapter settings: which projections carry an adapter, with rank, alpha and rsLoRA.
    ///
    /// Dropout is left out: it changes nothing when the adapter is evaluated, and the engine trains
    /// without it.
    /// - Throws: `InputError` naming `source` when a named target matches no module of the model
    ///   (an adapter made for another architecture), the pattern matches none or is not a regular
    ///   expression, or it picks a module in some layers and not in others.
    public func settings(for configuration: LlamaConfiguration, source: String) throws -> LlamaLoRASettings {
        let moduleNames = LlamaProjection.allCases.map(\.moduleName)
        let expected = "expected names among \(moduleNames.joined(separator: ", ")) or all-linear"
        let layers = 0..<configuration.layerCount
        let paths = layers.flatMap { layer in LlamaProjection.allCases.map { "model." + $0.path(layer: layer) } }
        switch targetModules {
        case .names(let names):
            if let missing = names.first(where: { name in !paths.contains { $0 == name || $0.hasSuffix("." + name) } }) {
                throw InputError(source, "target_modules names '\(missing)', which the model does not have; \(expected)")
            }
        case .pattern(let pattern):
            guard (try? NSRegularExpression(pattern: pattern)) != nil else {
                throw InputError(source, "target_modules '\(pattern)' is not a regular expression; \(expected)")
            }
        case .allLinear:
            break
        }
        var projections: [LlamaProjection] = []
        for projection in LlamaProjection.allCases {
            let layersTargeted = layers.filter { targets("model." + projection.path(layer: $0)) }
            guard !layersTargeted.isEmpty else { continue }
            guard layersTargeted.count == layers.count else {
                throw InputError(
                    source, "target_modules picks \(projection.moduleName) in \(layersTargeted.count) of \(layers.count) layers; expected every layer or none")
            }
            projections.append(projection)
        }
        guard !projections.isEmpty else { throw InputError(source, "target_modules matches no module of the model; \(expected)") }
        var lora = lora
        lora.dropout = 0
        return LlamaLoRASettings(lora: lora, targets: projections)
    }
}

extension PeftAdapterConfiguration {
    /// The `peft_type` of a LoRA adapter.
    static let peftType = "LORA"

    /// Reads `adapter_config.json` as peft does; `source` names the file in errors.
    ///
    /// Settings that change what the adapter computes and that the engine does not implement (DoRA,
    /// per-module ranks, a bias, layers chosen by index, transposed weights, saved whole modules) are
    /// refused rather than ignored.
    public init(adapterConfigJSON bytes: Data, source: String) throws {
        let config = try JSONObject(decoding: bytes, source: source)
        let peftType = try config.string("peft_type")
        guard peftType == Self.peftType else {
            throw InputError(source, "peft_type is \(peftType.map { "'\($0)'" } ?? "missing"); expected 'LORA'")
        }
        try config.require("task_type", toBe: .string("CAUSAL_LM"), because: "the adapter is for a causal language model")
        try config.require("use_dora", toBe: .bool(false), because: "the engine computes plain LoRA, not DoRA")
        try config.require("fan_in_fan_out", toBe: .bool(false), because: "Llama's linears store [out, in]")
        try config.require("bias", toBe: .string("none"), because: "the engine trains no biases")
        try config.require("layers_to_transform", toBe: .null, because: "the engine adapts every layer")
        try config.require("modules_to_save", toBe: .null, because: "the engine saves no whole modules with an adapter")
        try config.require("rank_pattern", toBe: .object([:]), because: "the engine uses one rank for every module")
        try config.require("alpha_pattern", toBe: .object([:]), because: "the engine uses one alpha for every module")

        var lora = LoRALinear.Configuration(
            rank: try config.integer("r", default: 8), alpha: Float(try config.number("lora_alpha", default: 8)),
            dropout: Float(try config.number("lora_dropout", default: 0)),
            rankStabilized: try config.bool("use_rslora", default: false))
        if config["init_lora_weights"] == .string("gaussian") { lora.initialization = .gaussian }
        do {
            try lora.validate()
        } catch let error as InputError {
            throw InputError(source, "\(error.source) \(error.message)")
        }
        self.lora = lora

        switch config["target_modules"] {
        case .string("all-linear"): targetModules = .allLinear
        case .string(let pattern): targetModules = .pattern(pattern)
        case .array(let values):
            let names = values.compactMap { value -> String? in if case .string(let name) = value { name } else { nil } }
            guard names.count == values.count, !names.isEmpty else {
                throw InputError(source, "target_modules is not a list of module names; expected such as [\"q_proj\", \"v_proj\"]")
            }
            targetModules = .names(names.sorted())  // a set to peft; sorted, so a file is written the same way every time
        case let value:
            throw InputError(source, "target_modules is \(value?.spelling ?? "missing"); expected a list of module names, a pattern or \"all-linear\"")
        }
        baseModelNameOrPath = try config.string("base_model_name_or_path")
    }

    /// The `adapter_config.json` peft writes for this adapter (the keys `LoraConfig` has long had).
    public var adapterConfigJSON: Data {
        let targets: JSONObject.Value =
            switch targetModules {
            case .names(let names): .strings(names)
            case .pattern(let pattern): .string(pattern)
            case .allLinear: .string("all-linear")
            }
        return JSONObject.encode([
            "alpha_pattern": .object([:]),
            "auto_mapping": .null,
            "base_model_name_or_path": baseModelNameOrPath.map(JSONObject.Value.string) ?? .null,
            "bias": .string("none"),
            "fan_in_fan_out": .bool(false),
            "inference_mode": .bool(true),
            "init_lora_weights": lora.initialization == .gaussian ? .string("gaussian") : .bool(true),
            "layers_pattern": .null,
            "layers_to_transform": .null,
            "lora_alpha": lora.alpha == lora.alpha.rounded() && abs(lora.alpha) < 1e9 ? .integer(Int(lora.alpha)) : .float(lora.alpha),
            "lora_dropout": .float(lora.dropout),
            "modules_to_save": .null,
            "peft_type": .string(Self.peftType),
            "r": .integer(lora.rank),
            "rank_pattern": .object([:]),
            "revision": .null,
            "target_modules": targets,
            "task_type": .string("CAUSAL_LM"),
            "use_dora": .bool(false),
            "use_rslora": .bool(lora.rankStabilized),
        ])
    }
}

extension PeftAdapterConfiguration: Sendable {}
extension PeftAdapterConfiguration.TargetModules: Sendable {}
