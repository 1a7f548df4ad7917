extension MemoryEstimate {
    /// One training forward pass of transformers' `LlamaForCausalLM` under peft, operation by operation,
    /// recording what each operation keeps for the backward pass.
    ///
    /// Each operation keeps exactly what its backward needs, and only for inputs that need a gradient:
    /// a product `a * b` keeps `b` for `a`'s gradient and `a` for `b`'s; a linear layer keeps its weight
    /// for its input's gradient and its input for its weight's. So a tensor is kept only when something
    /// upstream of it trains, and the first block of a LoRA model, whose input comes from a frozen
    /// embedding, keeps less than the others until its first adapter. The walk follows transformers 5's
    /// `modeling_llama.py`, peft's `lora.Linear.forward` and bitsandbytes' `Linear4bit.forward`.
    struct LlamaForwardPass {
        /// One tensor flowing through the pass: its storage's name, and whether it needs a gradient.
        struct Tensor {
            var name: String
            var requiresGrad: Bool
        }

        let model: ModelArchitecture
        let setting: ActivationSetting
        let targets: Set<LinearModule>
        let rank: Int
        let batch: Int
        let sequenceLength: Int
        private(set) var saved = SavedTensors()

        init(_ configuration: Configuration, setting: ActivationSetting) {
            model = configuration.model
            self.setting = setting
            targets = setting.trainsEveryParameter ? [] : Set(configuration.targets)
            rank = configuration.rank
            batch = configuration.batch
            sequenceLength = configuration.sequenceLength
        }

        private var tokens: Int { batch * sequenceLength }
        /// Bytes per hidden-state value.
        private var e: Int { setting.hiddenStateBytes }
        private var float32: Int { 4 }

        /// Runs a model of `layers` decoder blocks, its head and its loss.
        mutating func run(layers: Int) {
            var hidden = Tensor(name: "layer0.input", requiresGrad: false)
            if setting.trainsEveryParameter {
                // The embedding's backward keeps the token ids (int64) to scatter its gradient.
                saved.save("input_ids", bytes: 8 * tokens, as: .outsideLayers)
                hidden.requiresGrad = true
            }
            // Gradient checkpointing comes with `enable_input_require_grads`, which marks the embedding's output.
            if setting.gradientCheckpointing { hidden.requiresGrad = true }
            for layer in 0..<layers {
                if setting.gradientCheckpointing {
                    // Non-reentrant checkpointing keeps each block's positional inputs (the hidden states) and
                    // nothing from inside the block; the backward pass recomputes the rest.
                    let role: SavedTensors.Role = layer == 0 && !setting.trainsEveryParameter ? .leafInput : .decoderLayer
                    saved.save(hidden.name, bytes: e * tokens * model.hidden, as: role)
                    hidden = Tensor(name: "layer\(layer + 1).input", requiresGrad: true)
                } else {
                    hidden = decoderLayer(layer, input: hidden)
                }
            }
            head(input: hidden)
        }

        /// One decoder block: `x + attention(norm(x))`, then `h + mlp(norm(h))`. Returns its output.
        private mutating func decoderLayer(_ layer: Int, input: Tensor) -> Tensor {
            let prefix = "layer\(layer)."
            let normed = rmsNorm(prefix + "input_layernorm", input: input, role: .decoderLayer)
            let query = linear(.qProj, prefix: prefix, input: normed)
            let key = linear(.kProj, prefix: prefix, input: normed)
            let value = linear(.vProj, prefix: prefix, input: normed)
            if query.requiresGrad || key.requiresGrad {
                // Rotary embedding: `q * cos + rotate_half(q) * sin` keeps cos and sin, computed once per
                // forward pass in the hidden states' type, shape (1, seq, head_dim), shared by every block.
                let table = e * sequenceLength * model.headDimension
                saved.save("rotary.cos", bytes: table, as: .outsideLayers)
                saved.save("rotary.sin", bytes: table, as: .outsideLayers)
            }
            let rotatedQuery = Tensor(name: prefix + "q_rotated", requiresGrad: query.requiresGrad)
            let rotatedKey = Tensor(name: prefix + "k_rotated", requiresGrad: key.requiresGrad)
            let attended: Tensor
            switch setting.attention {
            case .sdpa: attended = sdpa(prefix, query: rotatedQuery, key: rotatedKey, value: value)
            case .eager: attended = eagerAttention(prefix, query: rotatedQuery, key: rotatedKey, value: value)
            }
            let attentionOutput = linear(.oProj, prefix: prefix, input: attended)
            // A residual add keeps nothing.
            let residual = Tensor(
                name: prefix + "residual", requiresGrad: input.requiresGrad || attentionOutput.requiresGrad)
            let normedResidual = rmsNorm(prefix + "post_attention_layernorm", input: residual, role: .decoderLayer)
            let gate = linear(.gateProj, prefix: prefix, input: normedResidual)
            let up = linear(.upProj, prefix: prefix, input: normedResidual)
            let mlpValues = e * tokens * model.intermediate
            // SiLU keeps its input for its derivative.
            if gate.requiresGrad { saved.save(gate.name, bytes: mlpValues, as: .decoderLayer) }
            let activated = Tensor(name: prefix + "act_fn", requiresGrad: gate.requiresGrad)
            // `act_fn(gate) * up` keeps each factor for the other's gradient.
            if up.requiresGrad { saved.save(activated.name, bytes: mlpValues, as: .decoderLayer) }
            if activated.requiresGrad { saved.save(up.name, bytes: mlpValues, as: .decoderLayer) }
            let product = Tensor(name: prefix + "mlp_product", requiresGrad: activated.requiresGrad || up.requiresGrad)
            let down = linear(.downProj, prefix: prefix, input: product)
            return Tensor(name: "layer\(layer + 1).input", requiresGrad: residual.requiresGrad || down.requiresGrad)
        }

        /// `LlamaRMSNorm`: `weight * (x.float() * rsqrt(mean(x^2) + eps)).to(dtype)`.
        ///
        /// It keeps the float32 copy of its input (the input itself when that is float32) for `pow` and `mul`,
        /// the per-token `rsqrt` (float32), and a view of its scale for the input's gradient; when the scale
        /// trains, also the normalized values for the scale's gradient.
        private mutating func rmsNorm(_ name: String, input: Tensor, role: SavedTensors.Role) -> Tensor {
            if input.requiresGrad {
                let upcast = e == float32 ? input.name : input.name + ".float32"
                saved.save(upcast, bytes: float32 * tokens * model.hidden, as: role)
                saved.save(name + ".rsqrt", bytes: float32 * tokens, as: role)
                // A frozen scale is kept as a view; a trainable one as the parameter itself, which is no
                // activation at all (and which a count that skips parameters skips).
                if !setting.trainsEveryParameter {
                    saved.save(name + ".weight", bytes: e * model.hidden, as: .parameterView)
                }
            }
            if setting.trainsEveryParameter {
                saved.save(name + ".normalized", bytes: e * tokens * model.hidden, as: role)
            }
            return Tensor(name: name + ".output", requiresGrad: input.requiresGrad || setting.trainsEveryParameter)
        }

        /// A linear layer of the block with, when it is a target, peft's LoRA beside it:
        /// `base(x) + lora_B(lora_A(x.to(float32))) * scaling` (dropout 0, peft's default, is the identity).
        private mutating func linear(_ module: LinearModule, prefix: String, input: Tensor) -> Tensor {
            let name = prefix + module.rawValue
            let inputs = module.inFeatures(in: model)
            let outputs = module.outFeatures(in: model)
            var outputRequiresGrad = input.requiresGrad
            if setting.trainsEveryParameter {
                // The weight's gradient needs the input; the input's gradient needs the weight.
                saved.save(input.name, bytes: e * tokens * inputs, as: .decoderLayer)
                if input.requiresGrad {
                    saved.save(name + ".weight", bytes: e * inputs * outputs, as: .parameterView)
                }
                outputRequiresGrad = true
            } else if input.requiresGrad, setting.baseWeightViewBytes > 0 {
                saved.save(name + ".weight", bytes: setting.baseWeightViewBytes * inputs * outputs, as: .parameterView)
            }
            if targets.contains(module) {
                let adapterBytes = ActivationSetting.adapterBytes
                // peft casts the input to the adapter's float32 in each module separately: a new tensor per
                // adapter, unless the input is float32 already and the adapters share it.
                let adapterInput = e == adapterBytes ? input.name : "\(input.name).float32.\(module.rawValue)"
                saved.save(adapterInput, bytes: adapterBytes * tokens * inputs, as: .decoderLayer)
                if input.requiresGrad {
                    saved.save(name + ".lora_A", bytes: adapterBytes * rank * inputs, as: .parameterView)
                }
                saved.save(name + ".lora_A_output", bytes: adapterBytes * tokens * rank, as: .adapterOutput)
                saved.save(name + ".lora_B", bytes: adapterBytes * rank * outputs, as: .parameterView)
                outputRequiresGrad = true
            }
            return Tensor(name: name + ".output", requiresGrad: outputRequiresGrad)
        }

        /// `scaled_dot_product_attention`, causal, no mask: the fused kernel keeps its query, key, value and
        /// output and a float32 log-sum-exp per query and head, never the `s x s` scores.
        ///
        /// transformers passes grouped keys and values as they are (`enable_gqa`) when there is no padding
        /// mask and heads are at most 256 wide; otherwise `repeat_kv` widens them to every query head first.
        private mutating func sdpa(_ prefix: String, query: Tensor, key: Tensor, value: Tensor) -> Tensor {
            let output = Tensor(
                name: prefix + "attention_output",
                requiresGrad: query.requiresGrad || key.requiresGrad || value.requiresGrad)
            guard output.requiresGrad else { return output }
            let groupsKeys = model.kvHeads < model.heads && model.headDimension > 256
            let keyValueWidth = groupsKeys ? model.queryWidth : model.keyValueWidth
            saved.save(query.name, bytes: e * tokens * model.queryWidth, as: .decoderLayer)
            saved.save(groupsKeys ? key.name + ".repeated" : key.name, bytes: e * tokens * keyValueWidth, as: .decoderLayer)
            saved.save(groupsKeys ? value.name + ".repeated" : value.name, bytes: e * tokens * keyValueWidth, as: .decoderLayer)
            // The output's (b, s, heads, head_dim) layout is what `o_proj` reads, so they share a storage.
            saved.save(output.name, bytes: e * tokens * model.queryWidth, as: .decoderLayer)
            saved.save(prefix + "logsumexp", bytes: float32 * tokens * model.heads, as: .decoderLayer)
            return output
        }

        /// transformers' `eager_attention_forward`: `softmax(q k^T * scale + mask, float32).to(dtype) @ v`,
        /// with `repeat_kv` widening grouped keys and values to every query head.
        private mutating func eagerAttention(_ prefix: String, query: Tensor, key: Tensor, value: Tensor) -> Tensor {
            let headValues = e * tokens * model.queryWidth
            // `repeat_kv` copies grouped heads, except one key/value head, which it widens as a stride-0 view;
            // matmul then folds (batch, heads) into one dimension, which copies that view unless batch is 1.
            let repeats = model.kvHeads < model.heads && !(model.kvHeads == 1 && batch == 1)
            let repeatedKey = repeats ? key.name + ".repeated" : key.name
            let repeatedValue = repeats ? value.name + ".repeated" : value.name
            let keyValueBytes = repeats ? headValues : e * tokens * model.keyValueWidth
            // `q @ k^T` keeps k^T for q's gradient and q for k's.
            if query.requiresGrad { saved.save(repeatedKey, bytes: keyValueBytes, as: .decoderLayer) }
            if key.requiresGrad { saved.save(query.name, bytes: headValues, as: .decoderLayer) }
            let scoresRequireGrad = query.requiresGrad || key.requiresGrad
            let scores = batch * model.heads * sequenceLength * sequenceLength
            let probabilities = e == float32 ? prefix + "softmax" : prefix + "probabilities"
            if scoresRequireGrad {
                // The float32 softmax keeps its output for its backward.
                saved.save(prefix + "softmax", bytes: float32 * scores, as: .decoderLayer)
                saved.save(repeatedValue, bytes: keyValueBytes, as: .decoderLayer)
            }
            // `p @ v` keeps p (cast back to the hidden type) for v's gradient.
            if value.requiresGrad { saved.save(probabilities, bytes: e * scores, as: .decoderLayer) }
            // `transpose(1, 2).contiguous()` copies the heads back into a new (b, s, heads * head_dim) tensor.
            return Tensor(
                name: prefix + "attention_output",
                requiresGrad: scoresRequireGrad || value.requiresGrad)
        }

        /// The final norm, `lm_head`, the logits upcast to float32 and the cross-entropy loss.
        private mutating func head(input: Tensor) {
            let normed = rmsNorm("norm", input: input, role: .outsideLayers)
            let outputHead = model.hidden * model.vocab
            if setting.trainsEveryParameter {
                saved.save(normed.name, bytes: e * tokens * model.hidden, as: .outsideLayers)
            }
            if normed.requiresGrad {
                saved.save("lm_head.weight", bytes: e * outputHead, as: .parameterView)
            }
            // `log_softmax` keeps its float32 output; the logits themselves are not kept.
            saved.save("log_probabilities", bytes: ActivationSetting.logitsBytes * tokens * model.vocab, as: .logits)
            // The loss pads the labels by one and shifts them: for one sequence a view of the padded int64
            // labels (seq + 1 values), for several a contiguous copy (batch x seq).
            let labels = batch == 1 ? sequenceLength + 1 : tokens
            saved.save("labels", bytes: 8 * labels, as: .outsideLayers)
            // `nll_loss` keeps its total weight, one float32.
            saved.save("total_weight", bytes: float32, as: .outsideLayers)
        }
    }
}
