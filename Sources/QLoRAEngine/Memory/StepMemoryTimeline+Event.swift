extension StepMemoryTimeline {
    /// One moment of the training step and what the GPU holds then.
    public struct Event: Equatable {
        /// Where in the step a moment falls.
        public enum Phase: String, CaseIterable, Sendable {
            case start
            case forward
            case loss
            case backward
            case optimizerStep = "optimizer step"
        }

        /// Where in the step it falls.
        public var phase: Phase
        /// The decoder block being computed, counted from 1, in the forward and backward phases.
        public var layer: Int?
        /// Bytes held for the whole step: weights, quantization constants, adapters and the optimizer
        /// states that are not paged.
        public var residentBytes: Int
        /// Bytes of activations held: what the forward pass kept so far, and in the backward pass the
        /// block being recomputed.
        public var activationBytes: Int
        /// Bytes of adapter gradients computed so far.
        public var gradientBytes: Int

        /// Everything the GPU holds at this moment apart from the paged optimizer states.
        public var bytesBesidePagedStates: Int { residentBytes + activationBytes + gradientBytes }

        /// The moment in words: `start`, `forward, block 3`, `loss`, `backward, block 32`, `optimizer step`.
        public var name: String {
            layer.map { "\(phase.rawValue), block \($0)" } ?? phase.rawValue
        }
    }
}

extension StepMemoryTimeline.Event: Sendable {}
