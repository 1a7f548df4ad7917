import QLoRAEngine

extension TrainingSection {
    /// What the `train` section can show.
    public enum OutputKey: String, SectionOutputKey {
        case task, curves, summary, speed

        public var summary: String {
            switch self {
            case .task: "The toy task: the network, how well it does before adapting, what each method trains."
            case .curves: "Each method's training loss, step by step (a running mean over 10 steps)."
            case .summary: "Each method's losses, held-out accuracy, trainable values and bytes held."
            case .speed: "What each method dequantizes per forward pass, and its median step time on this machine."
            }
        }
    }

    /// The numbers the `train` section measures: three about the task, the rest per method run.
    public enum ResultKey: SectionResultKey {
        case sourceAccuracy, accuracyBefore, labelsChangedPercent
        case firstLoss(FineTuningMethod), lastLoss(FineTuningMethod), testLoss(FineTuningMethod), testAccuracy(FineTuningMethod)
        case trainable(FineTuningMethod), frozenBytes(FineTuningMethod), bytesHeld(FineTuningMethod)
        case dequantizedValuesPerForward(FineTuningMethod)

        public static var allCases: [ResultKey] {
            [.sourceAccuracy, .accuracyBefore, .labelsChangedPercent] + FineTuningMethod.allCases.flatMap(perMethod)
        }

        /// The results of one method.
        static func perMethod(_ method: FineTuningMethod) -> [ResultKey] {
            [
                .firstLoss(method), .lastLoss(method), .testLoss(method), .testAccuracy(method),
                .trainable(method), .frozenBytes(method), .bytesHeld(method), .dequantizedValuesPerForward(method),
            ]
        }

        public var name: String { declaration.name }
        public var summary: String { declaration.summary }

        private var declaration: (name: String, summary: String) {
            switch self {
            case .sourceAccuracy: ("source_accuracy", "The pretrained network's accuracy on its own task.")
            case .accuracyBefore: ("accuracy_before", "Its accuracy on held-out data of the new task, before adapting.")
            case .labelsChangedPercent: ("labels_changed_percent", "Share of held-out inputs whose label the new task changed, in percent.")
            case .firstLoss(let method): ("first_loss_\(TrainingSection.key(method))", "\(method.rawValue): mean training loss of the first 10 steps.")
            case .lastLoss(let method): ("last_loss_\(TrainingSection.key(method))", "\(method.rawValue): mean training loss of the last 10 steps.")
            case .testLoss(let method): ("test_loss_\(TrainingSection.key(method))", "\(method.rawValue): loss on held-out data after adapting.")
            case .testAccuracy(let method): ("test_accuracy_\(TrainingSection.key(method))", "\(method.rawValue): accuracy on held-out data after adapting.")
            case .trainable(let method): ("trainable_\(TrainingSection.key(method))", "\(method.rawValue): values the backward pass gave a gradient and the optimizer updated.")
            case .frozenBytes(let method): ("frozen_bytes_\(TrainingSection.key(method))", "\(method.rawValue): bytes of frozen weights as stored.")
            case .bytesHeld(let method): ("bytes_held_\(TrainingSection.key(method))", "\(method.rawValue): every byte the run held.")
            case .dequantizedValuesPerForward(let method): ("dequantized_values_per_forward_\(TrainingSection.key(method))", "\(method.rawValue): weights the kernel dequantized in one forward pass.")
            }
        }

    }
}
