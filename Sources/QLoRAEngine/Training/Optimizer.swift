/// Moves trainable tensors against their gradients, one tensor at a time.
///
/// Each tensor has a slot number, so state an optimizer keeps per tensor (momentum, Adam's
/// moments and step count) follows it from step to step, as PyTorch keys its state by parameter.
/// State is allocated on a slot's first update and reused after that.
public protocol Optimizer {
    /// Updates `parameters` in place from `gradient`, using and advancing the state of `slot`.
    mutating func update(_ parameters: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>, slot: Int)
    /// Bytes of state the optimizer holds: what the memory table calls optimizer states.
    var stateBytes: Int { get }
}

extension Optimizer {
    /// Updates a tensor in place from a gradient of the same shape.
    public mutating func update(_ parameters: inout Tensor, gradient: Tensor, slot: Int) {
        precondition(parameters.shape == gradient.shape, "gradient shape \(gradient.shape) is not \(parameters.shape)")
        parameters.scalars.withUnsafeMutableBufferPointer { values in
            gradient.scalars.withUnsafeBufferPointer { update(values, gradient: $0, slot: slot) }
        }
    }
}

extension Optimizer {
    /// Whether `slot` already has state of `count` values, so this is not its first step.
    static func hasState(_ state: [[Float]], slot: Int, count: Int) -> Bool {
        slot < state.count && state[slot].count == count
    }

    /// Makes zeroed state for `slot`: allocation happens here, on a slot's first step only.
    static func makeState(_ state: inout [[Float]], slot: Int, count: Int) {
        precondition(slot >= 0, "negative optimizer slot")
        while state.count <= slot { state.append([]) }
        state[slot] = [Float](repeating: 0, count: count)
    }
}
