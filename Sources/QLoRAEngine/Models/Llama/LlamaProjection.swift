/// The seven linear layers of a Llama decoder block, named as transformers names their modules.
public enum LlamaProjection: Int, CaseIterable {
    case query, key, value, output, gate, up, down

    /// The module's name in transformers and peft (`q_proj`, ..., `down_proj`): what `target_modules` lists.
    public var moduleName: String {
        switch self {
        case .query: "q_proj"
        case .key: "k_proj"
        case .value: "v_proj"
        case .output: "o_proj"
        case .gate: "gate_proj"
        case .up: "up_proj"
        case .down: "down_proj"
        }
    }

    /// The block the module sits in: `self_attn` or `mlp`.
    public var blockName: String {
        switch self {
        case .query, .key, .value, .output: "self_attn"
        case .gate, .up, .down: "mlp"
        }
    }

    /// The module's path under `model.`, as in `layers.3.self_attn.q_proj`.
    public func path(layer: Int) -> String { "layers.\(layer).\(blockName).\(moduleName)" }

    /// The weight's shape `[out, in]` in a model of `configuration`.
    public func shape(in configuration: LlamaConfiguration) -> [Int] {
        let c = configuration
        let queryWidth = c.attentionHeadCount * c.headDimension
        let keyValueWidth = c.keyValueHeadCount * c.headDimension
        return switch self {
        case .query: [queryWidth, c.hiddenSize]
        case .key, .value: [keyValueWidth, c.hiddenSize]
        case .output: [c.hiddenSize, queryWidth]
        case .gate, .up: [c.intermediateSize, c.hiddenSize]
        case .down: [c.hiddenSize, c.intermediateSize]
        }
    }

    /// The projection a module name stands for.
    public init?(moduleName: String) {
        guard let projection = Self.allCases.first(where: { $0.moduleName == moduleName }) else { return nil }
        self = projection
    }
}

extension LlamaProjection: Sendable {}
