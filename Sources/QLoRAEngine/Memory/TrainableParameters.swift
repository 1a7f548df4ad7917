import Foundation

/// How many parameters train and how many there are, counted the way peft counts them.
///
/// peft's `print_trainable_parameters` sums `numel()` over `named_parameters()`. Its total therefore
/// includes the adapters themselves, and for a 4-bit base it doubles each packed `Params4bit`
/// (two values per byte), so LoRA and QLoRA print the same line for the same model and adapters.
public struct TrainableParameters: Equatable {
    /// The number of values the optimizer updates.
    public var trainable: Int
    /// The number of values in the model as trained, adapters included.
    public var all: Int

    /// Creates counts from their values.
    public init(trainable: Int, all: Int) {
        self.trainable = trainable
        self.all = all
    }

    /// Full fine-tuning: every parameter of `model` trains.
    public static func fullFineTuning(_ model: ModelArchitecture) -> TrainableParameters {
        TrainableParameters(trainable: model.parameterCount, all: model.parameterCount)
    }

    /// LoRA of rank `rank` on `targets` in every decoder block of `model`.
    ///
    /// Each adapted `out x in` weight gains A (`rank x in`) and B (`out x rank`): `rank * (in + out)` values.
    public static func lora(_ model: ModelArchitecture, rank: Int, targets: [LinearModule]) -> TrainableParameters {
        let perLayer = targets.reduce(0) { $0 + rank * ($1.inFeatures(in: model) + $1.outFeatures(in: model)) }
        let adapters = model.layers * perLayer
        return TrainableParameters(trainable: adapters, all: model.parameterCount + adapters)
    }

    /// The trainable share in percent, computed as Python computes `100 * trainable / all`.
    ///
    /// Both products are integers below 2^53, so converting them to `Double` is exact and the one
    /// division rounds exactly as Python's true division of two integers does.
    public var percent: Double { Double(100 * trainable) / Double(all) }

    /// The line peft 0.21 prints: counts with thousands separators, the percentage to four decimals
    /// (`f"{trainable_params:,d}"`, `f"{100 * trainable_params / all_param:.4f}"`), such as
    /// `trainable params: 39,976,960 || all params: 6,778,392,576 || trainable%: 0.5898`.
    ///
    /// C's `%.4f` and Python's `.4f` both round the exact binary value of the share correctly, so the
    /// digits agree.
    public var printedLine: String {
        "trainable params: \(NumberFormat.count(trainable)) || all params: \(NumberFormat.count(all)) || trainable%: "
            + String(format: "%.4f", percent)
    }
}

extension TrainableParameters: Sendable {}
