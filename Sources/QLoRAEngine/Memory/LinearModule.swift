import Foundation

/// One of the seven linear layers in a decoder block, by the name peft's `target_modules` uses.
///
/// These are exactly the layers bitsandbytes turns into 4-bit `Linear4bit` when a model loads in
/// 4 bits, and exactly what peft's `"all-linear"` adapts in a causal language model (everything
/// linear but the output head).
public enum LinearModule: String, CaseIterable {
    case qProj = "q_proj"
    case kProj = "k_proj"
    case vProj = "v_proj"
    case oProj = "o_proj"
    case gateProj = "gate_proj"
    case upProj = "up_proj"
    case downProj = "down_proj"

    /// peft's shorthand for every linear layer except the output head.
    public static let allLinearName = "all-linear"

    /// The width of the layer's input in `model`.
    public func inFeatures(in model: ModelArchitecture) -> Int {
        switch self {
        case .qProj, .kProj, .vProj, .gateProj, .upProj: model.hidden
        case .oProj: model.queryWidth
        case .downProj: model.intermediate
        }
    }

    /// The width of the layer's output in `model`: grouped-query attention narrows `k_proj` and `v_proj`.
    public func outFeatures(in model: ModelArchitecture) -> Int {
        switch self {
        case .qProj: model.queryWidth
        case .kProj, .vProj: model.keyValueWidth
        case .oProj, .downProj: model.hidden
        case .gateProj, .upProj: model.intermediate
        }
    }

    /// The number of values in the layer's weight matrix (`out x in`).
    public func weightParameters(in model: ModelArchitecture) -> Int {
        inFeatures(in: model) * outFeatures(in: model)
    }

    /// The number of values in the layer's bias: its output width where the model has one, else 0.
    public func biasParameters(in model: ModelArchitecture) -> Int {
        switch self {
        case .qProj, .kProj, .vProj: model.qkvBias ? outFeatures(in: model) : 0
        case .oProj, .gateProj, .upProj, .downProj: 0
        }
    }

    /// The modules a `target_modules` list names: comma-separated peft names, or `all-linear`.
    ///
    /// The result is in block order without repeats, so `v_proj,q_proj,q_proj` is `[q_proj, v_proj]`.
    ///
    /// - Throws: `InputError` with source `targets` for an empty list or a name that is not a module.
    public static func targets(_ list: String) throws(InputError) -> [LinearModule] {
        let trimmed = list.trimmingCharacters(in: .whitespaces)
        if trimmed == allLinearName { return allCases }
        var chosen: Set<LinearModule> = []
        for name in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            let moduleName = name.trimmingCharacters(in: .whitespaces)
            guard let module = LinearModule(rawValue: moduleName) else {
                let names = allCases.map(\.rawValue).joined(separator: ",")
                let problem = moduleName.isEmpty ? "empty module name in '\(list)'" : "unknown module '\(moduleName)'"
                throw InputError("targets", "\(problem); expected names from \(names), or \(allLinearName)")
            }
            chosen.insert(module)
        }
        return allCases.filter(chosen.contains)
    }
}

extension LinearModule: Sendable {}
