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

    /// The line peft prints, with the percentage in Python's `repr` of a float.
    ///
    /// This is the line as peft long printed it and as the reference output records it; newer peft
    /// releases group the digits and round the percentage to four decimals instead.
    ///
    /// Swift's `Double.description` and Python's `repr` both print the shortest digits that read back
    /// to the same value, and both switch to an exponent (`1e-05`, `1e+16`) below 1e-4 and from 1e16 on;
    /// the tests pin this agreement on values Python printed.
    public var peftLine: String {
        "trainable params: \(trainable) || all params: \(all) || trainable%: \(percent.description)"
    }
}

extension TrainableParameters: Sendable {}
