extension LlamaModel {
    /// peft's name of an adapter matrix: `base_model.model.model.layers.N.self_attn.q_proj.lora_A.weight`
    /// (`lora_B` for B), as `adapter_model.safetensors` stores it.
    public static func adapterName(_ projection: LlamaProjection, layer: Int, matrix: AdapterMatrix) -> String {
        "base_model.model.model.\(projection.path(layer: layer)).\(matrix.rawValue).weight"
    }

    /// The two matrices of an adapter, by peft's module names.
    public enum AdapterMatrix: String, CaseIterable, Sendable {
        case a = "lora_A"
        case b = "lora_B"
    }

    /// Attaches a fresh adapter to every targeted linear of every layer, as peft's `get_peft_model`
    /// does: A drawn as `settings.lora.initialization` says (kaiming-uniform by default), B zero, so
    /// the model computes what it computed before. Replaces any adapters already attached.
    ///
    /// - Throws: `InputError` for settings the model cannot use, or adapters too large for
    ///   `LlamaMemoryBudget` (source `rank`).
    public mutating func addAdapters(_ settings: LlamaLoRASettings, seed: UInt64) throws {
        try settings.validate()
        // Adapters are made to be trained: counted with their gradients, moments and written copies.
        try settings.checkMemory(in: configuration)
        var generator = SeededGenerator(seed: seed)
        removeAdapters()
        for layer in layers.indices {
            for projection in settings.targets {
                let fresh = try LoRALinear(
                    base: layers[layer][projection].base, configuration: settings.lora, generator: &generator)
                layers[layer].projections[projection.rawValue].adapter = .init(
                    a: fresh.a, b: fresh.b, configuration: settings.lora)
            }
        }
    }

    /// Attaches the adapters of a peft state dict (`adapter_model.safetensors`'s tensors) made with `settings`.
    ///
    /// - Throws: `InputError` naming a tensor that is missing, misshapen, or names a module the
    ///   model lacks.
    public mutating func loadAdapters(_ tensors: [String: Tensor], settings: LlamaLoRASettings) throws {
        try settings.validate()
        var expected = Set<String>()
        var adapters: [(Int, LlamaProjection, LlamaLinear.Adapter)] = []
        for layer in layers.indices {
            for projection in settings.targets {
                let shape = projection.shape(in: configuration)
                func matrix(_ matrix: AdapterMatrix, _ shape: [Int]) throws -> Tensor {
                    let name = Self.adapterName(projection, layer: layer, matrix: matrix)
                    expected.insert(name)
                    guard let tensor = tensors[name] else { throw InputError(name, "missing adapter tensor, expected shape \(shape)") }
                    guard tensor.shape == shape else {
                        throw InputError(name, "expected shape \(shape) for this model and rank \(settings.lora.rank), got \(tensor.shape)")
                    }
                    return tensor
                }
                let rank = settings.lora.rank
                adapters.append((layer, projection, .init(
                    a: try matrix(.a, [rank, shape[1]]), b: try matrix(.b, [shape[0], rank]), configuration: settings.lora)))
            }
        }
        if let stray = tensors.keys.sorted().first(where: { !expected.contains($0) }) {
            throw InputError(stray, "names no adapter of this model (\(layers.count) layers, targets \(settings.targetModules.joined(separator: ", ")))")
        }
        removeAdapters()
        for (layer, projection, adapter) in adapters { layers[layer].projections[projection.rawValue].adapter = adapter }
    }

    /// Removes every adapter.
    public mutating func removeAdapters() {
        for layer in layers.indices {
            for index in layers[layer].projections.indices { layers[layer].projections[index].adapter = nil }
        }
    }

    /// Every adapter matrix by peft's name, as `adapter_model.safetensors` holds them.
    public func adapterTensors() -> [String: Tensor] {
        var tensors: [String: Tensor] = [:]
        for (index, layer) in layers.enumerated() {
            for projection in LlamaProjection.allCases {
                guard let adapter = layer[projection].adapter else { continue }
                tensors[Self.adapterName(projection, layer: index, matrix: .a)] = adapter.a
                tensors[Self.adapterName(projection, layer: index, matrix: .b)] = adapter.b
            }
        }
        return tensors
    }

    /// The settings of the attached adapters (they share one), nil without adapters.
    public var adapterSettings: LlamaLoRASettings? {
        let attached = LlamaProjection.allCases.filter { projection in layers.contains { $0[projection].adapter != nil } }
        guard let first = attached.first, let adapter = layers.lazy.compactMap({ $0[first].adapter }).first else { return nil }
        return LlamaLoRASettings(lora: adapter.configuration, targets: attached)
    }

    /// Values the adapters train: r (in + out) per adapted linear.
    public var adapterParameterCount: Int {
        layers.reduce(0) { total, layer in
            total + layer.projections.reduce(0) { $0 + ($1.adapter.map { $0.a.count + $0.b.count } ?? 0) }
        }
    }

    /// The model with every adapter folded into its base, `W ← W + scaling · B A` (peft's
    /// `merge_and_unload`); a quantized base is quantized again in its own format and blocksize.
    ///
    /// - Throws: `InputError` if the quantizer rejects a merged weight.
    public func merged() throws -> LlamaModel {
        var model = self
        for layer in model.layers.indices {
            for index in model.layers[layer].projections.indices {
                let linear = model.layers[layer].projections[index]
                guard let adapter = linear.adapter else { continue }
                let merged = try LoRALinear(base: linear.base, a: adapter.a, b: adapter.b, configuration: adapter.configuration).merged()
                model.layers[layer].projections[index] = LlamaLinear(base: merged.base)
            }
        }
        return model
    }
}
