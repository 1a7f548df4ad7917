import CQLoRAKernels
import Foundation

/// Adam (Kingma and Ba 2015) and AdamW (Loshchilov and Hutter 2019) as `torch.optim.Adam`
/// computes them, step t counted per tensor from 1:
///
///     g = g + λ p                          (L2 weight decay: Adam's, coupled to the gradient)
///     p = p (1 - lr λ)                     (decoupled weight decay: AdamW's, instead)
///     m = m + (1 - β1)(g - m)              v = β2 v + (1 - β2) g²
///     p = p - lr / (1 - β1ᵗ) · m / (sqrt(v) / sqrt(1 - β2ᵗ) + ε)
///
/// ε sits outside the square root and after the bias correction of v, where PyTorch puts it;
/// the bias corrections are computed in double precision, as PyTorch does in Python.
public struct Adam: Optimizer {
    /// How weight decay enters.
    public enum WeightDecay: Equatable {
        /// No weight decay.
        case none
        /// Added to the gradient, λ p: `Adam(weight_decay: λ)`.
        case coupled(Float)
        /// Applied to the weight before the step, p (1 - lr λ): `AdamW(weight_decay: λ)`.
        case decoupled(Float)
    }

    /// The step size lr.
    public var learningRate: Float
    /// Decay rate β1 of the first moment.
    public var beta1: Float
    /// Decay rate β2 of the second moment.
    public var beta2: Float
    /// The term ε that keeps the denominator away from zero.
    public var epsilon: Float
    /// How weight decay enters, if at all.
    public var weightDecay: WeightDecay
    /// First moments m per slot.
    private var firstMoments: [[Float]] = []
    /// Second moments v per slot.
    private var secondMoments: [[Float]] = []
    /// Steps taken per slot.
    private var steps: [Int] = []

    /// Creates Adam; the defaults are PyTorch's.
    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                weightDecay: WeightDecay = .none) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    /// AdamW: Adam with decoupled weight decay; the defaults are `torch.optim.AdamW`'s.
    public static func adamW(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                             epsilon: Float = 1e-8, weightDecay: Float = 0.01) -> Adam {
        Adam(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: .decoupled(weightDecay))
    }

    public mutating func update(_ parameters: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>, slot: Int) {
        precondition(parameters.count == gradient.count, "gradient size differs from the parameters'")
        if !Self.hasState(firstMoments, slot: slot, count: parameters.count) {
            Self.makeState(&firstMoments, slot: slot, count: parameters.count)
            Self.makeState(&secondMoments, slot: slot, count: parameters.count)
            while steps.count <= slot { steps.append(0) }
            steps[slot] = 0
        }
        steps[slot] += 1
        let t = Double(steps[slot])
        let stepSize = Float(Double(learningRate) / (1 - pow(Double(beta1), t)))
        let correction2Root = Float((1 - pow(Double(beta2), t)).squareRoot())
        let (coupledDecay, decayFactor): (Float, Float) = switch weightDecay {
        case .none: (0, 1)
        case .coupled(let lambda): (lambda, 1)
        case .decoupled(let lambda): (0, 1 - learningRate * lambda)
        }
        let coefficients = qlora_adam_coefficients(
            decay_factor: decayFactor, coupled_decay: coupledDecay, beta1: beta1, beta2: beta2,
            step_size: stepSize, correction2_root: correction2Root, epsilon: epsilon)
        // The formula above, eight parameters at a time where the CPU allows (the same bits as one at a time).
        firstMoments[slot].withUnsafeMutableBufferPointer { m in
            secondMoments[slot].withUnsafeMutableBufferPointer { v in
                guard let p = parameters.baseAddress, let g = gradient.baseAddress,
                    let m = m.baseAddress, let v = v.baseAddress
                else { return }
                qlora_adam_step(.detected, p, g, m, v, parameters.count, coefficients)
            }
        }
    }

    public var stateBytes: Int {
        firstMoments.reduce(0) { $0 + 4 * $1.count } + secondMoments.reduce(0) { $0 + 4 * $1.count }
    }
}

extension Adam: Sendable {}
extension Adam.WeightDecay: Sendable {}
