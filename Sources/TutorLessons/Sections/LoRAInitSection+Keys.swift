import QLoRAEngine

extension LoRAInitSection {
    /// What the `lora-init` section can show.
    public enum OutputKey: String, SectionOutputKey {
        case table, curves

        public var summary: String {
            switch self {
            case .table: "Each recipe's A, scaling, first and last losses, and how far it got below the base on the same batches."
            case .curves: "The base's and each recipe's loss on each step's batch."
            }
        }
    }

    /// The numbers the `lora-init` section measures.
    public enum ResultKey: SectionResultKey {
        case baseFirstLoss, baseLastLoss
        case firstLoss(LoRAInitializationComparison.Recipe), lastLoss(LoRAInitializationComparison.Recipe)
        case gain(LoRAInitializationComparison.Recipe), aStandardDeviation(LoRAInitializationComparison.Recipe)

        public static var allCases: [ResultKey] {
            [.baseFirstLoss, .baseLastLoss]
                + LoRAInitializationComparison.Recipe.allCases.flatMap { [.firstLoss($0), .lastLoss($0), .gain($0), .aStandardDeviation($0)] }
        }

        public var name: String { declaration.name }
        public var summary: String { declaration.summary }

        private var declaration: (name: String, summary: String) {
            switch self {
            case .baseFirstLoss: ("base_first_loss", "The NF4 base's loss on the first batch, no adapter.")
            case .baseLastLoss: ("base_last_loss", "The NF4 base's loss on the last batch.")
            case .firstLoss(let recipe): ("first_loss_\(recipe.rawValue)", "\(recipe.rawValue)'s loss on the first batch, before any update.")
            case .lastLoss(let recipe): ("last_loss_\(recipe.rawValue)", "\(recipe.rawValue)'s loss on the last batch, before its update.")
            case .gain(let recipe): ("gain_\(recipe.rawValue)", "The base's loss minus \(recipe.rawValue)'s on the same batches, averaged over the later half of the steps.")
            case .aStandardDeviation(let recipe): ("a_std_\(recipe.rawValue)", "Standard deviation of \(recipe.rawValue)'s A at the start, over every adapted linear.")
            }
        }
    }
}
