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
