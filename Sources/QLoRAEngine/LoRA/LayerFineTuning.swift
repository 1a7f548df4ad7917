/// One LoRA layer taken through a fine-tuning from start to merge, measured at each stage: what the
/// `qlora-layer` lesson section shows.
///
/// The layer sits over a seeded N(0, 0.02²) weight stored in the chosen format. It is measured at
/// the start (the adapter adds nothing), its first gradients are taken, it is trained with Adam on A
/// and B towards a teacher whose weight differs from the base by a small low-rank change (a
/// `LayerRegression`), and the trained adapter is merged into the base.
public struct LayerFineTuning {
    /// What to build and how long to train.
    public struct Settings: Equatable, Sendable {
        public var inFeatures = 512
        public var outFeatures = 512
        public var format = FrozenBase.Format.nf4
        public var blocksize = 64
        public var doubleQuantization = true
        public var adapter = LoRALinear.Configuration(rank: 8, alpha: 16)
        /// Seeds the weight, the adapter, the inputs and the teacher, in that order.
        public var seed: UInt64 = 7
        /// Adam steps towards the teacher before merging.
        public var trainSteps = 0
        /// Inputs per step: the notebook's batch of 2 sequences of 10 tokens.
        public var batchRows = 20
        /// The rank of the change the teacher adds to the base weight.
        public var teacherRank = 4
        /// Adam's learning rate.
        public var learningRate: Float = 0.01

        public init() {}
    }

    /// The settings it ran with.
    public let settings: Settings
    /// The pretrained weight, `out` x `in`, in float32.
    public let weight: Tensor
    /// The layer as it started: the frozen base and the adapter's first A and B.
    public let initial: LoRALinear
    /// The layer after `trainSteps` steps.
    public let trained: LoRALinear
    /// Largest |layer(x) - base(x)| at the start, over the batch.
    public let initialOutputDifference: Double
    /// The gradients of the first step.
    public let firstGradients: LoRALinear.Gradients
    /// Values of the stored base that one training step changed.
    public let baseValuesChangedByAStep: Int
    /// Mean squared error against the teacher before and after training.
    public let lossBefore: Double
    public let lossAfter: Double
    /// The trained adapter folded into the base.
    public let merged: LoRALinear.Merged
    /// Largest |merged float32 layer(x) - trained layer(x)|.
    public let mergedOutputDifference: Double
    /// Largest |re-quantized merged layer(x) - trained layer(x)|.
    public let requantizedOutputDifference: Double
    /// RMS of the update the adapter makes to W: scaling · B A.
    public let updateRMS: Double

    /// Builds, measures, trains and merges the layer, checking `isCancelled` before the first
    /// step and between training steps.
    ///
    /// - Throws: `InputError` for settings the quantizer or the adapter cannot take;
    ///   `CancellationError` once `isCancelled` turns true.
    public init(_ settings: Settings, isCancelled: () -> Bool = { false }) throws {
        self.settings = settings
        var generator = SeededGenerator(seed: settings.seed)
        weight = Tensor.normal(rows: settings.outFeatures, columns: settings.inFeatures, standardDeviation: 0.02, using: &generator)
        let base = try FrozenBase(
            quantizing: weight, format: settings.format, blocksize: settings.blocksize, doubleQuantization: settings.doubleQuantization)
        initial = try LoRALinear(base: base, configuration: settings.adapter, generator: &generator)
        let x = Tensor.normal(rows: settings.batchRows, columns: settings.inFeatures, using: &generator)
        let teacher = Self.teacherWeight(weight, rank: settings.teacherRank, using: &generator)
        let target = FrozenBase.float32(teacher).product(x)

        let startOutput = initial(x)
        initialOutputDifference = Self.largestDifference(startOutput, base.product(x))
        lossBefore = ErrorStatistics(original: target, reconstructed: startOutput).meanSquaredError

        if isCancelled() { throw CancellationError() }
        var regression = try LayerRegression(layer: initial, input: x, target: target, optimizer: Adam(learningRate: settings.learningRate))
        firstGradients = regression.gradients()
        var probe = regression
        _ = probe.step()
        baseValuesChangedByAStep = zip(probe.layer.base.dequantized().scalars, base.dequantized().scalars).filter { $0 != $1 }.count
        for _ in 0..<settings.trainSteps {
            if isCancelled() { throw CancellationError() }
            _ = regression.step()
        }
        trained = regression.layer
        let trainedOutput = trained(x)
        lossAfter = ErrorStatistics(original: target, reconstructed: trainedOutput).meanSquaredError

        merged = try trained.merged()
        mergedOutputDifference = Self.largestDifference(FrozenBase.float32(merged.exactWeight).product(x), trainedOutput)
        requantizedOutputDifference = Self.largestDifference(merged.base.product(x), trainedOutput)
        updateRMS = ErrorStatistics(original: base.dequantized(), reconstructed: merged.exactWeight).rootMeanSquaredError
    }

    /// The teacher's weight: W plus a rank-`rank` change of about a tenth of W's size.
    static func teacherWeight(_ weight: Tensor, rank: Int, using generator: inout SeededGenerator) -> Tensor {
        let (rows, columns) = (weight.rows, weight.columns)
        let left = Tensor.normal(rows: rows, columns: rank, using: &generator)
        let right = Tensor.normal(rows: rank, columns: columns, using: &generator)
        let size: Float = 0.002 / Float(rank).squareRoot()
        var teacher = weight
        for row in 0..<rows {
            for column in 0..<columns {
                var change: Float = 0
                for k in 0..<rank { change += left[row, k] * right[k, column] }
                teacher[row, column] += size * change
            }
        }
        return teacher
    }

    /// The largest |a - b| over two tensors of one shape.
    static func largestDifference(_ a: Tensor, _ b: Tensor) -> Double {
        ErrorStatistics(original: b, reconstructed: a).maximumAbsoluteError
    }
}

extension LayerFineTuning: Sendable {}
