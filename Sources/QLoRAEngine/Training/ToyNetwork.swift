/// A small multi-layer perceptron, `Linear → ReLU → ... → Linear`, without biases (as Llama's
/// projections have none), whose linear layers either train whole or carry LoRA adapters.
public struct ToyNetwork {
    /// One linear layer.
    public enum Layer {
        /// A weight `out` x `in` that trains: full fine-tuning.
        case dense(Tensor)
        /// A frozen base with a trainable adapter: LoRA or QLoRA.
        case adapted(LoRALinear)

        /// Input features.
        public var inFeatures: Int {
            switch self {
            case .dense(let weight): weight.columns
            case .adapted(let layer): layer.inFeatures
            }
        }

        /// Output features.
        public var outFeatures: Int {
            switch self {
            case .dense(let weight): weight.rows
            case .adapted(let layer): layer.outFeatures
            }
        }
    }

    /// The layers, first to last; a ReLU follows every layer but the last.
    public internal(set) var layers: [Layer]

    /// A network of dense layers with the given widths (`[16, 64, 64, 4]` is three layers), weights
    /// drawn as `nn.Linear` draws them: U(-1/sqrt(in), 1/sqrt(in)).
    public init(widths: [Int], generator: inout SeededGenerator) {
        precondition(widths.count >= 2 && widths.allSatisfy { $0 > 0 }, "widths must name at least one layer")
        layers = zip(widths, widths.dropFirst()).map { inFeatures, outFeatures in
            let bound = 1 / Float(inFeatures).squareRoot()
            return .dense(.uniform(rows: outFeatures, columns: inFeatures, in: -bound...bound, using: &generator))
        }
    }

    /// A network made of the given layers.
    public init(layers: [Layer]) {
        self.layers = layers
    }

    /// Input features of the first layer.
    public var inFeatures: Int { layers.first?.inFeatures ?? 0 }
    /// Output features of the last layer: the number of classes.
    public var outFeatures: Int { layers.last?.outFeatures ?? 0 }

    /// The same network prepared for `method`: unchanged for full fine-tuning, otherwise every
    /// weight frozen in the method's format under a fresh adapter.
    public func prepared(
        for method: FineTuningMethod, adapter: LoRALinear.Configuration, generator: inout SeededGenerator
    ) throws -> ToyNetwork {
        guard let format = method.baseFormat else { return self }
        return ToyNetwork(layers: try layers.map { layer in
            guard case .dense(let weight) = layer else { return layer }
            let base = try FrozenBase(quantizing: weight, format: format)
            return .adapted(try LoRALinear(base: base, configuration: adapter, generator: &generator))
        })
    }

    /// Values that train.
    public var trainableParameterCount: Int {
        layers.reduce(0) { total, layer in
            switch layer {
            case .dense(let weight): total + weight.count
            case .adapted(let adapted): total + adapted.trainableParameterCount
            }
        }
    }

    /// Bytes of frozen weights as stored (packed for QLoRA); zero for full fine-tuning.
    public var frozenBytes: Int {
        layers.reduce(0) { total, layer in
            if case .adapted(let adapted) = layer { return total + adapted.base.storedBytes }
            return total
        }
    }
}

extension ToyNetwork: Sendable {}
extension ToyNetwork.Layer: Sendable {}
