extension LoRALinear {
    /// Every buffer the layer keeps between steps, with its real byte size, named as peft names
    /// them in a state dict: the base's (`base_layer.weight`, `base_layer.absmax`, ...), then
    /// `lora_A.weight` and `lora_B.weight` in float32.
    ///
    /// Gradients, optimizer state, activations and the dequantization scratch are not here: they
    /// belong to a training step (`StepBuffers`, `Optimizer.stateBytes`, `TrainingWorkspace`).
    public var storedBuffers: [StoredBuffer] {
        var buffers = base.storedBuffers.map { buffer in
            var named = buffer
            named.name = "base_layer." + buffer.name
            return named
        }
        buffers.append(.float32("lora_A.weight", count: a.count))
        buffers.append(.float32("lora_B.weight", count: b.count))
        return buffers
    }

    /// Bytes of every buffer the layer keeps.
    public var storedBytes: Int { storedBuffers.reduce(0) { $0 + $1.bytes } }
}
