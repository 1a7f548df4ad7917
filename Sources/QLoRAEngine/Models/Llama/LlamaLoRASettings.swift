/// Which linears of a Llama model get LoRA adapters, and their rank and scaling: the parts of peft's
/// `LoraConfig` a model needs (`r`, `lora_alpha`, `use_rslora`, `target_modules`).
public struct LlamaLoRASettings: Equatable {
    /// Rank, alpha, rsLoRA and how A starts. Dropout is kept for the adapter's file; the model
    /// evaluates without it, and `LlamaTrainer` trains only adapters without it.
    public var lora: LoRALinear.Configuration
    /// The projections that get an adapter in every layer.
    public var targets: [LlamaProjection]

    /// Creates settings for `targets` (every linear of the decoder by default: peft's `all-linear`).
    public init(lora: LoRALinear.Configuration, targets: [LlamaProjection] = LlamaProjection.allCases) {
        self.lora = lora
        self.targets = targets
    }

    /// Settings from peft's `target_modules`: module names (`q_proj`, ..., `down_proj`), or
    /// `["all-linear"]` for every decoder linear (`lm_head` is never a target, as in peft).
    ///
    /// - Throws: `InputError` for a name no Llama module has, or for no names.
    public init(lora: LoRALinear.Configuration, targetModules: [String]) throws {
        if targetModules == ["all-linear"] {
            self.init(lora: lora)
            return
        }
        guard !targetModules.isEmpty else {
            throw InputError("target_modules", "expected module names or all-linear, got none")
        }
        let targets = try targetModules.map { name in
            guard let projection = LlamaProjection(moduleName: name) else {
                throw InputError(
                    "target_modules",
                    "\(name) names no module of a Llama model; expected all-linear or some of \(LlamaProjection.allCases.map(\.moduleName).joined(separator: ", "))")
            }
            return projection
        }
        self.init(lora: lora, targets: LlamaProjection.allCases.filter(targets.contains))
    }

    /// `target_modules` as peft writes them.
    public var targetModules: [String] { targets.map(\.moduleName) }

    /// Throws `InputError` for settings a model cannot use.
    func validate() throws {
        try lora.validate()
        guard !targets.isEmpty else { throw InputError("target_modules", "expected at least one module") }
    }
}

extension LlamaLoRASettings: Sendable {}
