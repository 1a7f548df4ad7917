/// Trains a `ToyNetwork` on a labelled dataset with softmax cross-entropy and Adam, one mini-batch
/// per step, reporting each step's loss as it goes so a front end can draw the curve live.
///
/// Everything is seeded: the batches, the dropout masks, so a run gives the same losses every time.
/// A step reuses buffers made in `init`.
public struct Trainer {
    /// What one step did.
    public struct StepReport: Equatable {
        /// The step's number, from 1.
        public var step: Int
        /// The mini-batch loss before the update.
        public var loss: Float
        /// Wall-clock time of the step: for display only, it differs from run to run.
        public var duration: Duration
    }

    /// Loss and accuracy over a dataset.
    public struct Evaluation: Equatable {
        /// Mean cross-entropy.
        public var loss: Float
        /// Share of examples whose largest logit is the label's.
        public var accuracy: Double
    }

    /// The bytes a run holds while it trains, by what they are for.
    public struct Memory: Equatable {
        /// Frozen weights as stored: float32 for LoRA, packed for QLoRA, none for full fine-tuning.
        public var frozenWeights: Int
        /// Trained values, float32.
        public var trainableParameters: Int
        /// Their gradients.
        public var gradients: Int
        /// The optimizer's state (Adam: two moments per trained value).
        public var optimizerState: Int
        /// What the forward pass keeps for backward, and the gradients flowing back.
        public var activations: Int
        /// Scratch: the matrix kernel's panels, where packed weights are decoded.
        public var scratch: Int

        /// All of it.
        public var total: Int { frozenWeights + trainableParameters + gradients + optimizerState + activations + scratch }
    }

    /// The network as trained so far.
    public private(set) var network: ToyNetwork
    /// The examples batches are drawn from.
    public let data: ToyTask.Dataset
    /// The optimizer and its state.
    public private(set) var optimizer: Adam
    /// Steps taken so far.
    public private(set) var stepsTaken = 0
    /// Weights of packed bases the last step's forward pass dequantized, as the kernel counted them.
    public private(set) var dequantizedValuesPerForward = 0
    private var state: ToyNetwork.StepState
    private var labels: [Int]
    private var batchGenerator: SeededGenerator
    private var dropoutGenerator: SeededGenerator

    /// Prepares to train `network` on `data` in batches of `batchSize` drawn with replacement.
    public init(network: ToyNetwork, data: ToyTask.Dataset, optimizer: Adam, batchSize: Int, seed: UInt64) throws {
        guard batchSize >= 1 else { throw InputError("--batch-size", "expected a positive integer, got \(batchSize)") }
        guard data.count > 0, data.inputs.columns == network.inFeatures else {
            throw InputError("data", "expected examples with \(network.inFeatures) features")
        }
        self.network = network
        self.data = data
        self.optimizer = optimizer
        state = network.makeStepState(rows: batchSize)
        labels = [Int](repeating: 0, count: batchSize)
        batchGenerator = SeededGenerator(seed: seed)
        dropoutGenerator = SeededGenerator(seed: seed &+ 1)
    }

    /// Draws a batch, runs forward, the loss, backward and one optimizer update.
    public mutating func step() -> StepReport {
        let start = ContinuousClock.now
        let features = data.inputs.columns
        for row in 0..<state.rows {
            let example = batchGenerator.nextIndex(below: data.count)
            labels[row] = data.labels[example]
            for column in 0..<features {
                state.activations[0][row * features + column] = data.inputs.scalars[example * features + column]
            }
        }
        var dropout: SeededGenerator? = dropoutGenerator
        let dequantizedBefore = state.workspace.dequantizedValues
        network.forward(&state, dropoutGenerator: &dropout)
        dequantizedValuesPerForward = state.workspace.dequantizedValues - dequantizedBefore
        dropoutGenerator = dropout ?? dropoutGenerator
        let last = state.activations.count - 1
        let classes = network.outFeatures
        let loss = state.activations[last].withUnsafeBufferPointer { logits in
            labels.withUnsafeBufferPointer { labels in
                state.gradients[last].withUnsafeMutableBufferPointer { gradient in
                    Loss.softmaxCrossEntropy(logits: logits, labels: labels, classes: classes, gradient: gradient)
                }
            }
        }
        network.backward(&state)
        network.update(with: &optimizer, from: state)
        stepsTaken += 1
        return StepReport(step: stepsTaken, loss: loss, duration: ContinuousClock.now - start)
    }

    /// Takes up to `steps` steps, handing each report to `onStep` as soon as it is made. Stops
    /// early when `onStep` returns false or the current task is cancelled.
    ///
    /// - Returns: the reports of the steps taken.
    @discardableResult
    public mutating func run(steps: Int, onStep: (StepReport) -> Bool = { _ in true }) -> [StepReport] {
        var reports: [StepReport] = []
        for _ in 0..<max(0, steps) {
            if Task.isCancelled { break }
            let report = step()
            reports.append(report)
            if !onStep(report) { break }
        }
        return reports
    }

    /// The network's loss and accuracy on `dataset`, without dropout.
    public func evaluate(on dataset: ToyTask.Dataset) -> Evaluation {
        Self.evaluate(network, on: dataset)
    }

    /// `network`'s loss and accuracy on `dataset`, without dropout.
    public static func evaluate(_ network: ToyNetwork, on dataset: ToyTask.Dataset) -> Evaluation {
        guard dataset.count > 0 else { return Evaluation(loss: 0, accuracy: 0) }
        var state = network.makeStepState(rows: dataset.count)
        state.activations[0] = dataset.inputs.scalars
        var noDropout: SeededGenerator? = nil
        network.forward(&state, dropoutGenerator: &noDropout)
        let classes = network.outFeatures
        let logits = state.activations[state.activations.count - 1]
        var gradient = [Float](repeating: 0, count: logits.count)
        let loss = logits.withUnsafeBufferPointer { logits in
            dataset.labels.withUnsafeBufferPointer { labels in
                gradient.withUnsafeMutableBufferPointer {
                    Loss.softmaxCrossEntropy(logits: logits, labels: labels, classes: classes, gradient: $0)
                }
            }
        }
        var correct = 0
        for row in 0..<dataset.count {
            let scores = logits[row * classes..<(row + 1) * classes]
            if scores.indices.max(by: { scores[$0] < scores[$1] }) == row * classes + dataset.labels[row] { correct += 1 }
        }
        return Evaluation(loss: loss, accuracy: Double(correct) / Double(dataset.count))
    }

    /// Values that receive a gradient each step and that the optimizer updates from it: read off
    /// the gradient buffers of the backward pass, not off the network's description.
    public var trainedValueCount: Int { state.gradientValueCount }

    /// The bytes this run holds, by what they are for.
    public var memory: Memory {
        let trainable = network.trainableParameterCount
        return Memory(
            frozenWeights: network.frozenBytes,
            trainableParameters: 4 * trainable,
            gradients: state.gradientBytes,
            optimizerState: optimizer.stateBytes,
            activations: state.activationBytes + 8 * labels.count,
            scratch: state.scratchBytes)
    }
}

extension Trainer {
    /// Runs `steps` steps in a task of its own and yields each report as it is made, for a front
    /// end that draws the loss live. Training stops when the consumer stops iterating.
    public func reports(steps: Int) -> AsyncStream<StepReport> {
        let (stream, continuation) = AsyncStream.makeStream(of: StepReport.self)
        let trainer = self
        let task = Task.detached {
            var trainer = trainer
            trainer.run(steps: steps) { report in
                if case .terminated = continuation.yield(report) { return false }
                return true
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}

extension Trainer: Sendable {}
extension Trainer.StepReport: Sendable {}
extension Trainer.Evaluation: Sendable {}
extension Trainer.Memory: Sendable {}
