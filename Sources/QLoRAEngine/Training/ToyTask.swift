/// A pair of related classification tasks with synthetic data, small enough to train on a CPU in
/// seconds: a network is fitted to the source task, then adapted to the target task.
///
/// Labels come from a random "teacher" network: the class is the argmax of its four outputs for a
/// normal input. The target task's teacher is the source teacher with every weight changed, either
/// by a rank-2 matrix (the change LoRA assumes fine-tuning makes) or by a dense matrix of the same
/// size (a change it does not). Teacher and student are both ReLU networks without biases.
public struct ToyTask {
    /// How the target teacher differs from the source teacher.
    public enum Kind: String, CaseIterable {
        /// Each teacher weight gains a rank-2 change: LoRA's hypothesis holds.
        case lowRankShift = "low-rank-shift"
        /// Each teacher weight gains a dense change of the same Frobenius norm: it does not.
        case fullRankShift = "full-rank-shift"
    }

    /// Labelled examples.
    public struct Dataset {
        /// Inputs, count x features.
        public var inputs: Tensor
        /// One class per input.
        public var labels: [Int]
        /// The number of examples.
        public var count: Int { labels.count }
    }

    /// Which change separates the tasks.
    public let kind: Kind
    /// The student network's widths, input to classes.
    public let studentWidths: [Int]
    /// The number of classes.
    public var classes: Int { studentWidths.last ?? 0 }
    /// Data of the source task, to pretrain on.
    public let source: Dataset
    /// Training data of the target task, to adapt on.
    public let target: Dataset
    /// Held-out data of the target task, for the final loss and accuracy.
    public let targetTest: Dataset
    /// The share of held-out inputs whose label the change of teacher flipped.
    public let labelsChanged: Double

    /// The teacher's widths.
    static let teacherWidths = [16, 32, 32, 4]
    /// Size of each weight change relative to the weight, in Frobenius norm.
    static let relativeChange: Float = 0.5
    /// Rank of the low-rank change.
    static let changeRank = 2

    /// Builds the task's teachers and data from `seed`.
    public init(kind: Kind, seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        let sourceTeacher = Self.teacher(using: &generator)
        let targetTeacher = sourceTeacher.map { Self.changed($0, kind: kind, using: &generator) }
        let features = Self.teacherWidths[0]
        func dataset(_ count: Int, _ teacher: [Tensor]) -> Dataset {
            let inputs = Tensor.normal(rows: count, columns: features, using: &generator)
            return Dataset(inputs: inputs, labels: Self.classify(inputs, with: teacher))
        }
        self.kind = kind
        studentWidths = [features, 32, 32, Self.teacherWidths.last ?? 4]
        source = dataset(2048, sourceTeacher)
        target = dataset(512, targetTeacher)
        targetTest = dataset(1024, targetTeacher)
        let sourceLabels = Self.classify(targetTest.inputs, with: sourceTeacher)
        labelsChanged = Double(zip(sourceLabels, targetTest.labels).filter { $0 != $1 }.count) / Double(targetTest.count)
    }

    /// Parses a task name.
    ///
    /// - Throws: `InputError` naming `source` for an unknown name.
    public static func kind(named name: String, source: String = "--task") throws -> Kind {
        guard let kind = Kind(rawValue: name) else {
            let known = Kind.allCases.map(\.rawValue).joined(separator: ", ")
            throw InputError(source, "unknown task '\(name)'; expected one of \(known)")
        }
        return kind
    }

    /// Teacher weights drawn N(0, 2 / in), He's scale, so signals keep their size through the ReLUs.
    static func teacher(using generator: inout SeededGenerator) -> [Tensor] {
        zip(teacherWidths, teacherWidths.dropFirst()).map { inFeatures, outFeatures in
            .normal(rows: outFeatures, columns: inFeatures, standardDeviation: (2 / Float(inFeatures)).squareRoot(), using: &generator)
        }
    }

    /// `weight` plus a random change of `relativeChange` times its norm, low-rank or dense.
    static func changed(_ weight: Tensor, kind: Kind, using generator: inout SeededGenerator) -> Tensor {
        var change: Tensor
        switch kind {
        case .lowRankShift:
            let u = Tensor.normal(rows: weight.rows, columns: changeRank, using: &generator)
            let v = Tensor.normal(rows: changeRank, columns: weight.columns, using: &generator)
            change = Tensor(shape: weight.shape)
            for row in 0..<weight.rows {
                for column in 0..<weight.columns {
                    for k in 0..<changeRank { change[row, column] += u[row, k] * v[k, column] }
                }
            }
        case .fullRankShift:
            change = .normal(rows: weight.rows, columns: weight.columns, using: &generator)
        }
        let factor = relativeChange * norm(weight) / max(norm(change), .leastNormalMagnitude)
        return Tensor(shape: weight.shape, scalars: zip(weight.scalars, change.scalars).map { $0 + factor * $1 })
    }

    static func norm(_ tensor: Tensor) -> Float {
        tensor.scalars.reduce(0) { $0 + $1 * $1 }.squareRoot()
    }

    /// The argmax class of the teacher's output for each input row.
    static func classify(_ inputs: Tensor, with teacher: [Tensor]) -> [Int] {
        let network = ToyNetwork(layers: teacher.map { .dense($0) })
        var state = network.makeStepState(rows: inputs.rows)
        state.activations[0] = inputs.scalars
        var noDropout: SeededGenerator? = nil
        network.forward(&state, dropoutGenerator: &noDropout)
        let outputs = state.activations[state.activations.count - 1]
        let classes = network.outFeatures
        return (0..<inputs.rows).map { row in
            let scores = outputs[row * classes..<(row + 1) * classes]
            return (scores.indices.max { scores[$0] < scores[$1] } ?? row * classes) - row * classes
        }
    }
}

extension ToyTask: Sendable {}
extension ToyTask.Kind: Sendable {}
extension ToyTask.Dataset: Sendable {}
