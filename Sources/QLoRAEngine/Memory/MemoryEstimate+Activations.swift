extension MemoryEstimate {
    /// What one training step keeps from the forward pass for the backward pass, in bytes, counted tensor by
    /// tensor as PyTorch keeps them for a transformers `LlamaForCausalLM` (any Llama-family shape).
    ///
    /// `LlamaForwardPass` walks the forward pass operation by operation and records what each keeps for its
    /// backward. With `t = batch x seq` tokens, hidden width `h`, MLP width `i`, query width `q = heads x
    /// head_dim`, key/value width `kv`, rank `r`, and `e` bytes per hidden-state value, one decoder block whose
    /// input needs a gradient keeps:
    ///
    /// - each RMSNorm: its input upcast to float32 (`4th`; the input itself when it is float32 already) and
    ///   one float32 `rsqrt` per token (`4t`);
    /// - each adapter: its input in float32, `4t x in_features` (peft casts the input per module, so with
    ///   16-bit hidden states `q_proj`, `k_proj` and `v_proj` make three copies; with float32 hidden states
    ///   there is nothing to cast and they share one tensor), and its low-rank output `A x`, `4tr`;
    /// - SDPA (transformers' default): query and output `etq` each, keys and values `et kv` each (grouped,
    ///   not repeated), a float32 log-sum-exp per query and head; eager attention instead keeps the query,
    ///   the keys and values repeated to every head (`etq` each), the float32 softmax (`4 b heads s^2`) and,
    ///   with 16-bit hidden states, its 16-bit copy (`2 b heads s^2`);
    /// - the SwiGLU MLP: `gate`, `act_fn(gate)` and `up`, `eti` each.
    ///
    /// Views of weights (a 16-bit base weight a frozen linear keeps for its input's gradient, a norm's scale,
    /// the adapters) are saved too, and counted by `saved_tensors_hooks`; they are the weights themselves, not
    /// new memory, so they are reported as `savedParameterViews` and left out of the memory table. A
    /// bitsandbytes 4-bit layer keeps only its packed weight, on the autograd context.
    ///
    /// The first block's input comes from the frozen embedding and needs no gradient, so until its first
    /// adapter it keeps nothing for its input: no norm input, no weight views. Outside the blocks: the rotary
    /// `cos` and `sin` tables (`e x seq x head_dim` each, shared by every block), the final norm's input and
    /// `rsqrt`, the float32 log-probabilities of the loss (`4t x vocab`, the largest term outside) and the
    /// int64 labels. `e` is 2 under the lora recipe (bfloat16 base) and 4 under the qlora recipe, where
    /// `prepare_model_for_kbit_training` makes every parameter that is not 4-bit float32, so the hidden states
    /// become float32 and everything above doubles except the adapters' tensors, which were float32 already.
    ///
    /// With gradient checkpointing (non-reentrant, with `enable_input_require_grads`) a block keeps only its
    /// input, `eth`, and the backward pass recomputes one block at a time. (The first block's input is the
    /// embedding's output, made a leaf that requires a gradient; the measuring script skips such leaves with
    /// the parameters, so its one-layer model counts no block input. It is memory all the same, and counted.) The head's tensors are freed
    /// before the last block is recomputed, so the peak holds every block's input and the larger of the
    /// head's tensors and one block's full set: `recomputedLayer` is what the block needs beyond the head's.
    ///
    /// Full fine-tuning follows the same rules with every linear layer keeping its input and every norm its
    /// normalized values, in bfloat16 (mixed precision's 16-bit weights) or float32. Every count here lands on
    /// `measure_activations.py`'s (torch 2.15, transformers 5.24, peft 0.21.2, bitsandbytes 0.50.2) to the byte.
    public struct Activations: Equatable {
        /// The setting counted.
        public var setting: ActivationSetting
        /// Bytes the decoder blocks keep, their adapters' low-rank outputs excluded (with checkpointing, their inputs).
        public var decoderLayers: Int
        /// Bytes of the adapters' low-rank outputs `A x`, float32.
        public var adapterOutputs: Int
        /// Bytes of the float32 log-probabilities the loss keeps.
        public var logits: Int
        /// Bytes kept outside the blocks besides the logits: the final norm's input, rotary tables, labels.
        public var outsideLayers: Int
        /// With gradient checkpointing, what recomputing one block needs beyond the head's freed tensors; else 0.
        public var recomputedLayer: Int
        /// Bytes `saved_tensors_hooks` counts for one more decoder block: a two-block model minus a one-block
        /// model, as `measure_activations.py` measures `per_layer_bytes`; parameter views included.
        public var savedPerLayer: Int
        /// Bytes `saved_tensors_hooks` counts outside the blocks: a one-block model minus `savedPerLayer`,
        /// as `measure_activations.py` measures `outside_layers_bytes`; parameter views included.
        public var savedOutsideLayers: Int
        /// Bytes of every saved tensor of the whole model's forward pass as `measure_activations.py` counts
        /// them: parameter views included, the first checkpointed block's input (a leaf) left out.
        public var savedTotal: Int
        /// The part of `savedTotal` that views weights the weights part already counts.
        public var savedParameterViews: Int

        /// The sum of the parts: the activation memory at the start of the backward pass (with checkpointing,
        /// at its peak while a block is recomputed).
        public var total: Int { decoderLayers + adapterOutputs + logits + outsideLayers + recomputedLayer }

        /// The activations `configuration` keeps; its settings must already be valid.
        init(_ configuration: Configuration) {
            let setting = ActivationSetting(configuration)
            self.setting = setting
            // Blocks after the first are alike, and every storage shared between blocks is kept by the second
            // one at the latest, so passes of one, two and three blocks give every count for any depth.
            let passes = Self.passes(configuration, setting: setting, layers: 1...3)
            let layers = configuration.model.layers
            func count(_ bytes: (SavedTensors) -> Int) -> Int {
                let typical = bytes(passes[2]) - bytes(passes[1])
                return layers == 1 ? bytes(passes[0]) : bytes(passes[1]) + (layers - 2) * typical
            }
            savedPerLayer = passes[1].measuredTotal - passes[0].measuredTotal
            savedOutsideLayers = passes[0].measuredTotal - savedPerLayer
            savedTotal = count(\.measuredTotal)
            savedParameterViews = count { $0.bytes(.parameterView) }
            decoderLayers = count { $0.bytes(.decoderLayer) + $0.bytes(.leafInput) }
            adapterOutputs = count { $0.bytes(.adapterOutput) }
            logits = count { $0.bytes(.logits) }
            outsideLayers = count { $0.bytes(.outsideLayers) }
            recomputedLayer = 0
            if setting.gradientCheckpointing {
                var uncheckpointed = configuration
                uncheckpointed.gradientCheckpointing = false
                let block = Self.typicalLayerBytes(uncheckpointed)
                recomputedLayer = max(0, block - logits - outsideLayers)
            }
        }

        /// What forward passes of each number of blocks in `layers` keep.
        private static func passes(
            _ configuration: Configuration, setting: ActivationSetting, layers: ClosedRange<Int>
        ) -> [SavedTensors] {
            layers.map { layers in
                var pass = LlamaForwardPass(configuration, setting: setting)
                pass.run(layers: layers)
                return pass.saved
            }
        }

        /// The bytes one block after the first keeps without checkpointing, parameter views excluded.
        static func typicalLayerBytes(_ configuration: Configuration) -> Int {
            let passes = passes(configuration, setting: ActivationSetting(configuration), layers: 2...3)
            let roles: [SavedTensors.Role] = [.decoderLayer, .adapterOutput]
            return roles.reduce(0) { $0 + passes[1].bytes($1) - passes[0].bytes($1) }
        }
    }
}

extension MemoryEstimate.Activations: Sendable {}
