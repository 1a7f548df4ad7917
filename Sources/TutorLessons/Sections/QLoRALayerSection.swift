import Foundation
import QLoRAEngine

/// The `qlora-layer` section: one linear layer with a frozen (quantized) base and a LoRA adapter,
/// its start, its scaling, its gradients, its real bytes, and what merging and re-quantizing do.
///
/// Every run builds the layer from a seeded N(0, 0.02) weight, measures it at the start, takes the
/// first training step's gradients, then trains `train_steps` steps with Adam towards a teacher
/// whose weight differs from the base by a rank-4 change, and merges the trained adapter.
public struct QLoRALayerSection: LessonSection {
    public init() {}

    public let name = "qlora-layer"
    public let summary = "A QLoRA linear layer: frozen quantized base, LoRA A and B, scaling, gradients, bytes, merging."

    /// The ranks the `scaling` table lists.
    static let tableRanks = [4, 8, 16, 32, 64]
    /// Inputs per training step: the notebook's batch of 2 sequences of 10 tokens.
    static let batchRows = 20
    /// The rank of the change the teacher adds to the base weight.
    static let teacherRank = 4

    public var parameters: [ParameterSpec] {
        let widths = ParameterDomain.numbers([64, 128, 256, 512, 1024])
        let powersOfTwo = { (upTo: Int) in ParameterDomain.numbers((0...upTo).map { pow(2, Double($0)) }) }
        return [
            ParameterSpec(name: "in", summary: "Input features of the layer.", domain: widths, defaultValue: .number(512)),
            ParameterSpec(name: "out", summary: "Output features of the layer.", domain: widths, defaultValue: .number(512)),
            ParameterSpec(name: "rank", summary: "LoRA's rank r.", domain: powersOfTwo(7), defaultValue: .number(8)),
            ParameterSpec(name: "alpha", summary: "LoRA's alpha; the adapter is scaled by alpha / r.", domain: powersOfTwo(8), defaultValue: .number(16)),
            ParameterSpec(
                name: "base", summary: "How the frozen weight is stored: nf4, fp4, int4, int8 or float32 (plain LoRA).",
                domain: .choices(FrozenBase.Format.allCases.map(\.rawValue)), defaultValue: .word("nf4")),
            ParameterSpec(
                name: "blocksize", summary: "Values per absmax block of a quantized base.",
                domain: .numbers(FourBitQuantized.supportedBlocksizes.map(Double.init)), defaultValue: .number(64)),
            ParameterSpec(
                name: "double_quant", summary: "Quantize an NF4/FP4 base's absmax values to 8 bits.",
                domain: .choices(["true", "false"]), defaultValue: .word("true")),
            ParameterSpec(
                name: "init", summary: "How A starts: peft's kaiming-uniform, or gaussian (std 1/r).",
                domain: .choices(LoRALinear.Configuration.Initialization.allCases.map(\.rawValue)),
                defaultValue: .word("kaiming-uniform")),
            ParameterSpec(name: "seed", summary: "Seed of the weight, the adapter and the data.", domain: .range(0...9999, step: 1), defaultValue: .number(7)),
            ParameterSpec(
                name: "train_steps", summary: "Adam steps (lr 0.01) towards the teacher before merging.",
                domain: .range(0...200, step: 1), defaultValue: .number(0)),
        ]
    }

    public var outputs: [(name: String, summary: String)] {
        [
            ("base", "The frozen base's stored buffers and its bits per weight."),
            ("init", "A and B as they start, against the notebook's randn * 0.01, and the layer's first output."),
            ("scaling", "alpha / r (peft), alpha / sqrt(r) (rsLoRA) and the notebook's 1 / r for common ranks."),
            ("gradients", "The first step's gradients of W, A and B, and what trains."),
            ("memory", "Every buffer the layer keeps, beside the notebook's count, as a table and a bar."),
            ("merge", "After training: the loss, and the layer merged in float32 and re-quantized."),
        ]
    }

    public var results: [(name: String, summary: String)] {
        var results: [(name: String, summary: String)] = [
            ("base_trainable", "Values of W that train: always 0."),
            ("base_bits_per_param", "Bits per weight of the stored base, constants included."),
            ("base_bytes", "Bytes of every buffer the base stores."),
            ("packed_base_bytes", "Bytes of the base's codes alone (the `weight` buffer)."),
            ("initial_output_difference", "Largest |layer(x) - base(x)| before training."),
            ("a_max_abs", "Largest |A| at the start."), ("a_bound", "peft's bound 1 / sqrt(in)."),
            ("a_std", "Standard deviation of A at the start."), ("notebook_a_std", "The notebook's 0.01."),
            ("b_max_abs", "Largest |B| at the start."), ("scaling", "The layer's scaling."),
            ("grad_a_norm_step1", "Norm of dL/dA on the first step."), ("grad_b_norm_step1", "Norm of dL/dB on the first step."),
            ("trainable", "Values that train: r (in + out)."), ("frozen", "Values of W: in x out."),
            ("trainable_percent", "trainable / (trainable + frozen), in percent."),
            ("adapter_bytes", "Bytes of A and B in float32."), ("total_bytes", "Bytes of every buffer the layer keeps."),
            ("notebook_counted_base_bytes", "The notebook's count: half a byte per weight."),
            ("notebook_stored_base_bytes", "What the notebook's min-max codes really take: one uint8 per weight."),
            ("loss_before", "Mean squared error against the teacher before training."),
            ("loss_after", "The same after `train_steps` steps."),
            ("merged_output_difference", "Largest |merged float32 layer(x) - trained layer(x)|."),
            ("requantized_output_difference", "Largest |re-quantized merged layer(x) - trained layer(x)|."),
            ("update_rms", "RMS of the adapter's update scaling x B A over W."),
            ("requantization_rms", "RMS of the error re-quantizing the merged weight adds."),
        ]
        for rank in Self.tableRanks {
            results += [
                ("scaling_r\(rank)", "alpha / \(rank)."), ("rslora_scaling_r\(rank)", "alpha / sqrt(\(rank))."),
                ("notebook_scaling_r\(rank)", "The notebook's 1 / \(rank)."),
            ]
        }
        return results
    }

    public func run(_ parameters: ParameterValues) throws -> SectionResult {
        let inFeatures = parameters.integer("in")
        let outFeatures = parameters.integer("out")
        let alpha = Float(parameters.integer("alpha"))
        let configuration = LoRALinear.Configuration(
            rank: parameters.integer("rank"), alpha: alpha,
            initialization: LoRALinear.Configuration.Initialization(rawValue: parameters.word("init")) ?? .kaimingUniform)
        let format = FrozenBase.Format(rawValue: parameters.word("base")) ?? .nf4
        var generator = SeededGenerator(seed: UInt64(clamping: parameters.integer("seed")))

        // The pretrained weight, the layer over it, and a batch of inputs.
        let weight = Tensor.normal(rows: outFeatures, columns: inFeatures, standardDeviation: 0.02, using: &generator)
        let base = try FrozenBase(
            quantizing: weight, format: format, blocksize: parameters.integer("blocksize"),
            doubleQuantization: parameters.word("double_quant") == "true")
        var layer = try LoRALinear(base: base, configuration: configuration, generator: &generator)
        let initialA = layer.a
        let initialB = layer.b
        let x = Tensor.normal(rows: Self.batchRows, columns: inFeatures, using: &generator)
        let teacher = Self.teacherWeight(weight, rank: Self.teacherRank, using: &generator)
        let target = try Self.product(x, teacher)

        // At the start: the adapter adds nothing.
        let baseOnly = try LoRALinear(
            base: base, a: Tensor(shape: layer.a.shape), b: Tensor(shape: layer.b.shape), configuration: configuration)
        let startOutput = layer(x)
        let initialDifference = Self.maximumDifference(startOutput, baseOnly(x))

        // Training: the first step's gradients, then Adam on A and B only.
        var adam = Adam(learningRate: 0.01)
        let lossBefore = Self.meanSquaredError(startOutput, target)
        func currentGradients() -> LoRALinear.Gradients {
            var noDropout: SeededGenerator? = nil
            let (output, buffers) = layer.forward(x, dropoutGenerator: &noDropout)
            return layer.backward(x, outputGradient: Self.meanSquaredErrorGradient(output, target), buffers: buffers)
        }
        let firstGradients = currentGradients()
        for step in 0..<parameters.integer("train_steps") {
            let gradients = step == 0 ? firstGradients : currentGradients()
            adam.update(&layer.a, gradient: gradients.a, slot: 0)
            adam.update(&layer.b, gradient: gradients.b, slot: 1)
        }
        let trainedOutput = layer(x)
        let lossAfter = Self.meanSquaredError(trainedOutput, target)

        // Merging: exact in float32, then stored again as the base was.
        let merged = try layer.merged()
        let mergedOutput = try Self.product(x, merged.exactWeight)
        let requantizedOutput = try Self.product(x, merged.base.dequantized())
        let update = zip(merged.exactWeight.scalars, base.dequantized().scalars).map { Double($0 - $1) }
        let updateRMS = (update.reduce(0) { $0 + $1 * $1 } / Double(max(update.count, 1))).squareRoot()

        // Bytes: the layer as stored, and the notebook's count beside the notebook's real storage.
        let baseBuffers = base.storedBuffers
        let packedBytes = baseBuffers.first { $0.name == "weight" }?.bytes ?? base.storedBytes
        let notebookCodes = try MinMax4BitQuantized(quantizing: weight)
        let notebookStored = notebookCodes.storedBuffers.first?.bytes ?? 0
        let notebookCounted = Double(weight.count) / 2
        let adapterBytes = 4 * (layer.a.count + layer.b.count)
        let trainable = layer.trainableParameterCount
        let frozen = weight.count
        let baseBits = 8 * Double(baseBuffers.filter { !$0.isCodebook }.reduce(0) { $0 + $1.bytes }) / Double(frozen)

        var results: [String: Double] = [
            "base_trainable": 0,
            "base_bits_per_param": baseBits,
            "base_bytes": Double(base.storedBytes),
            "packed_base_bytes": Double(packedBytes),
            "initial_output_difference": initialDifference,
            "a_max_abs": Double(Self.maximumMagnitude(initialA)),
            "a_std": Self.standardDeviation(initialA),
            "a_bound": 1 / Double(inFeatures).squareRoot(),
            "notebook_a_std": 0.01,
            "b_max_abs": Double(Self.maximumMagnitude(initialB)),
            "scaling": Double(layer.scaling),
            "grad_a_norm_step1": Self.norm(firstGradients.a),
            "grad_b_norm_step1": Self.norm(firstGradients.b),
            "trainable": Double(trainable),
            "frozen": Double(frozen),
            "trainable_percent": 100 * Double(trainable) / Double(trainable + frozen),
            "adapter_bytes": Double(adapterBytes),
            "total_bytes": Double(layer.storedBytes),
            "notebook_counted_base_bytes": notebookCounted,
            "notebook_stored_base_bytes": Double(notebookStored),
            "loss_before": lossBefore,
            "loss_after": lossAfter,
            "merged_output_difference": Self.maximumDifference(mergedOutput, trainedOutput),
            "requantized_output_difference": Self.maximumDifference(requantizedOutput, trainedOutput),
            "update_rms": updateRMS,
            "requantization_rms": merged.requantizationError.rootMeanSquaredError,
        ]
        for rank in Self.tableRanks {
            results["scaling_r\(rank)"] = Double(alpha) / Double(rank)
            results["rslora_scaling_r\(rank)"] = Double(alpha) / Double(rank).squareRoot()
            results["notebook_scaling_r\(rank)"] = 1 / Double(rank)
        }

        let outputs = QLoRALayerOutputs(
            layer: layer, baseBuffers: baseBuffers, format: format, initialA: initialA, results: results,
            trainSteps: parameters.integer("train_steps"), alpha: Double(alpha))
        return SectionResult(outputs: outputs.all, results: results)
    }
}

extension QLoRALayerSection {
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

    /// x Wᵀ for a batch x (`n` x in): a plain linear layer, which is a LoRA layer with a zero adapter.
    static func product(_ x: Tensor, _ weight: Tensor) throws -> Tensor {
        let configuration = LoRALinear.Configuration(rank: 1)
        let plain = try LoRALinear(
            base: .float32(weight), a: Tensor(shape: [1, weight.columns]), b: Tensor(shape: [weight.rows, 1]),
            configuration: configuration)
        return plain(x)
    }

    /// The mean of (output - target)² over every value.
    static func meanSquaredError(_ output: Tensor, _ target: Tensor) -> Double {
        let sum = zip(output.scalars, target.scalars).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }
        return sum / Double(max(output.count, 1))
    }

    /// d(mean squared error)/d(output) = 2 (output - target) / count.
    static func meanSquaredErrorGradient(_ output: Tensor, _ target: Tensor) -> Tensor {
        let factor = 2 / Float(max(output.count, 1))
        return Tensor(shape: output.shape, scalars: zip(output.scalars, target.scalars).map { factor * ($0 - $1) })
    }

    /// The largest |a - b| over two tensors of one shape.
    static func maximumDifference(_ a: Tensor, _ b: Tensor) -> Double {
        zip(a.scalars, b.scalars).reduce(0.0) { max($0, Double(abs($1.0 - $1.1))) }
    }

    /// The largest |value|.
    static func maximumMagnitude(_ tensor: Tensor) -> Float {
        tensor.scalars.reduce(0) { max($0, abs($1)) }
    }

    /// The Frobenius norm.
    static func norm(_ tensor: Tensor) -> Double {
        tensor.scalars.reduce(0.0) { $0 + Double($1 * $1) }.squareRoot()
    }

    /// The standard deviation of the values.
    static func standardDeviation(_ tensor: Tensor) -> Double {
        let count = Double(max(tensor.count, 1))
        let mean = tensor.scalars.reduce(0.0) { $0 + Double($1) } / count
        return (tensor.scalars.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / count).squareRoot()
    }
}
