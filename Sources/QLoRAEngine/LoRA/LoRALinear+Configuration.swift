extension LoRALinear {
    /// One adapter's settings, named as peft's `LoraConfig` names them.
    public struct Configuration: Equatable {
        /// How A starts (B always starts at zero).
        public enum Initialization: String, CaseIterable {
            /// peft's default: kaiming_uniform(a = sqrt 5), that is U(-1/sqrt(in), 1/sqrt(in)).
            case kaimingUniform = "kaiming-uniform"
            /// peft's `init_lora_weights="gaussian"`: normal with standard deviation 1 / r.
            case gaussian
            /// Normal with standard deviation 0.01 whatever the layer's size: the tutorial
            /// notebook's `randn(r, in) * 0.01`, which peft does not offer.
            case fixedNormal = "normal-0.01"
        }

        /// The rank r of A and B (`r`).
        public var rank: Int
        /// The numerator of the scaling (`lora_alpha`).
        public var alpha: Float
        /// Probability of zeroing an input value on the adapter's branch (`lora_dropout`).
        public var dropout: Float
        /// Scale by alpha / sqrt(r) instead of alpha / r (`use_rslora`, Kalajdzievski 2023), so the
        /// adapter's output does not shrink as the rank grows.
        public var rankStabilized: Bool
        /// How A starts (`init_lora_weights`).
        public var initialization: Initialization

        /// Creates a configuration; the defaults are peft's.
        public init(
            rank: Int = 8, alpha: Float = 8, dropout: Float = 0, rankStabilized: Bool = false,
            initialization: Initialization = .kaimingUniform
        ) {
            self.rank = rank
            self.alpha = alpha
            self.dropout = dropout
            self.rankStabilized = rankStabilized
            self.initialization = initialization
        }

        /// The factor on the adapter's output.
        public var scaling: Float {
            rankStabilized ? alpha / Float(rank).squareRoot() : alpha / Float(rank)
        }

        /// Throws `InputError` for a rank below 1, a non-finite alpha, or a dropout outside [0, 1).
        public func validate() throws {
            guard rank >= 1 else { throw InputError("rank", "expected a positive integer, got \(rank)") }
            guard alpha.isFinite else { throw InputError("alpha", "expected a finite number, got \(alpha)") }
            guard dropout >= 0, dropout < 1 else {
                throw InputError("dropout", "expected a probability in [0, 1), got \(dropout)")
            }
        }
    }
}

extension LoRALinear.Configuration: Sendable {}
extension LoRALinear.Configuration.Initialization: Sendable {}
