/// Stochastic gradient descent as `torch.optim.SGD` defines it.
///
///     d = g + λ p                      (weight decay, coupled: it is part of the gradient)
///     b = d on the first step, else μ b + (1 - τ) d      (momentum μ, dampening τ)
///     d = d + μ b if Nesterov, else b
///     p = p - lr d
public struct SGD: Optimizer {
    /// The step size lr.
    public var learningRate: Float
    /// The momentum factor μ; 0 for plain gradient descent.
    public var momentum: Float
    /// The dampening τ of the momentum buffer.
    public var dampening: Float
    /// The weight decay λ, added to the gradient.
    public var weightDecay: Float
    /// Whether to look ahead along the momentum (Sutskever et al. 2013).
    public var nesterov: Bool
    /// The momentum buffer of each slot.
    private var momentumBuffers: [[Float]] = []

    /// Creates the optimizer; the defaults are PyTorch's.
    public init(learningRate: Float, momentum: Float = 0, dampening: Float = 0, weightDecay: Float = 0, nesterov: Bool = false) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
    }

    public mutating func update(_ parameters: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>, slot: Int) {
        precondition(parameters.count == gradient.count, "gradient size differs from the parameters'")
        let firstStep = momentum != 0 && !Self.hasState(momentumBuffers, slot: slot, count: parameters.count)
        if firstStep { Self.makeState(&momentumBuffers, slot: slot, count: parameters.count) }
        for index in 0..<parameters.count {
            var step = gradient[index] + weightDecay * parameters[index]
            if momentum != 0 {
                let previous = momentumBuffers[slot][index]
                let buffer = firstStep ? step : momentum * previous + (1 - dampening) * step
                momentumBuffers[slot][index] = buffer
                step = nesterov ? step + momentum * buffer : buffer
            }
            parameters[index] -= learningRate * step
        }
    }

    public var stateBytes: Int { momentumBuffers.reduce(0) { $0 + 4 * $1.count } }
}

extension SGD: Sendable {}
