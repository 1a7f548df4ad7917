import Foundation

/// The tutorial notebook's memory table for a 7B model, the formula behind it, and why ours differs.
///
/// The notebook states 28 GB for full fine-tuning, 14 GB for LoRA and 5 GB for QLoRA, each with about
/// 16M (0.2%) trainable parameters for the adapters. Its formula takes 7e9 parameters, fp32 weights,
/// gradients and two Adam moments for full fine-tuning, and for LoRA and QLoRA a 16-bit or 4-bit base
/// plus adapters assumed to be 1% of the model, in fp16, with their gradients and Adam moments. It
/// leaves out activations.
public struct NotebookMemoryTable: Equatable {
    /// One of the table's methods.
    public enum Kind: String, CaseIterable {
        case full
        case lora
        case qlora
    }

    /// The method this row is about.
    public var kind: Kind
    /// The memory the table states, in gigabytes.
    public var tableGigabytes: Int
    /// The notebook's formula, term by term.
    public var formulaTerms: [Term]

    /// The parameter count the notebook assumes for "7B".
    public static let parameterCount = 7_000_000_000
    /// The adapter size the notebook's formula assumes: 1% of the model.
    public static let formulaAdapterParameters = parameterCount / 100
    /// The trainable parameters the table states for LoRA and QLoRA: about 16M, 0.2%.
    public static let tableAdapterParameters = 16_000_000

    /// One term of the notebook's formula, such as the fp32 gradients.
    public struct Term: Equatable {
        /// What the term counts, as the notebook names it.
        public var name: String
        /// The term's size in bytes.
        public var bytes: Int
    }

    /// The notebook's row for `kind`.
    public init(_ kind: Kind) {
        self.kind = kind
        let parameters = Self.parameterCount
        let adapters = Self.formulaAdapterParameters
        let adapterTerms = [
            Term(name: "fp16 adapters", bytes: 2 * adapters), Term(name: "adapter gradients", bytes: 2 * adapters),
            Term(name: "adapter Adam states", bytes: 4 * adapters),
        ]
        switch kind {
        case .full:
            tableGigabytes = 28
            formulaTerms = [
                Term(name: "fp32 weights", bytes: 4 * parameters), Term(name: "fp32 gradients", bytes: 4 * parameters),
                Term(name: "Adam m and v", bytes: 8 * parameters),
            ]
        case .lora:
            tableGigabytes = 14
            formulaTerms = [Term(name: "fp16 base", bytes: 2 * parameters)] + adapterTerms
        case .qlora:
            tableGigabytes = 5
            formulaTerms = [Term(name: "4-bit base", bytes: parameters / 2)] + adapterTerms
        }
    }

    /// What the notebook's own formula adds up to, in bytes.
    public var formulaBytes: Int { formulaTerms.reduce(0) { $0 + $1.bytes } }
}

extension NotebookMemoryTable {
    /// The row that compares with an estimate of `method`: full (either precision), LoRA or QLoRA.
    public init(comparingWith method: MemoryEstimate.Method) {
        switch method {
        case .fullFP32, .fullMixedPrecision: self.init(.full)
        case .lora: self.init(.lora)
        case .qlora: self.init(.qlora)
        }
    }

    /// Why `ours` differs from the notebook's row for its method, in numbers: what the table's figure
    /// is, what the formula adds up to, and what each of our parts comes to.
    public static func reason(comparedWith ours: MemoryEstimate) -> String {
        let row = NotebookMemoryTable(comparingWith: ours.configuration.method)
        let configuration = ours.configuration
        let model = configuration.model
        // Each figure formatted once, so the sentences below stay simple for the type checker.
        let formula: String = NumberFormat.gigabytes(Double(row.formulaBytes))
        let weights: String = NumberFormat.gigabytes(Double(ours[.weights].bytes))
        let constants: String = NumberFormat.gigabytes(Double(ours[.quantizationConstants].bytes))
        let beforeActivations: String = NumberFormat.gigabytes(Double(ours.totalBeforeActivations.bytes))
        let adapterState: Int = ours[.adapterWeights].bytes + ours[.gradients].bytes + ours[.optimizerStates].bytes

        var activations: String = "activations add \(NumberFormat.gigabytes(Double(ours[.activations].bytes))) at batch "
        activations += "\(configuration.batch), sequence \(configuration.sequenceLength)"
        if configuration.gradientCheckpointing { activations += " with gradient checkpointing" }
        activations += " (\(ours.activations.setting.attention.rawValue) attention, "
            + "\(ours.activations.setting.hiddenStateType) hidden states)"
        let unquantizedBytes = ours.activations.setting.hiddenStateBytes
        let unquantizedType: String = unquantizedBytes == 4 ? "float32" : "16-bit"
        let adapters: String = "Here the adapters are r x (in + out) per adapted matrix: \(ours.parameters.trainable) "
            + "values (\(number(ours.parameters.percent))%; the table says about 16M, 0.2%), kept in fp32 "
            + "by peft, so adapters, gradients and optimizer states take \(NumberFormat.gigabytes(Double(adapterState)))"
        let adapterFormula: String = "the formula's 1% fp16 adapters with gradients and Adam states add "
            + "\(NumberFormat.gigabytes(Double(formulaAdapterParameters * 8))), \(formula) in all"

        switch configuration.method {
        case .fullFP32, .fullMixedPrecision:
            let perParameter = number(Double(ours.totalBeforeActivations.bytes) / Double(model.parameterCount))
            return "\(row.tableGigabytes) GB is 7e9 parameters x 4 bytes: the fp32 weights alone. The notebook's "
                + "own formula adds fp32 gradients (28 GB) and Adam's m and v (56 GB): "
                + "\(formula), 16 bytes per parameter. Ours, \(configuration.method.name) "
                + "with \(configuration.optimizer.rawValue), is \(perParameter) bytes per parameter (weights, "
                + "gradients, optimizer states with any fp32 master copy); \(model.name) has "
                + "\(model.parameterCount) parameters, so \(beforeActivations) before activations; \(activations)."
        case .lora:
            return "\(row.tableGigabytes) GB is 7e9 parameters x 2 bytes: the 16-bit base alone; \(adapterFormula). "
                + "\(adapters); the \(unquantizedType) base of \(model.name) is \(weights); \(activations)."
        case .qlora(let base):
            let quantized = model.quantizedParameters
            let bitsPerValue = 4 + 8 * Double(ours[.quantizationConstants].bytes) / Double(quantized)
            let doubleQuantization = base.doubleQuantization ? " and double quantization" : ""
            return "\(row.tableGigabytes) GB rounds up the formula: 7e9 parameters x 0.5 bytes (3.50 GB), and "
                + "\(adapterFormula). bitsandbytes stores only the decoder blocks' linear weights in 4 bits "
                + "(\(quantized) values of \(model.name)); embeddings, norms and the output head "
                + "(\(model.parameterCount - quantized) values) "
                + (unquantizedBytes == 4 ? "are cast to float32 by prepare_model_for_kbit_training" : "stay 16-bit")
                + ", so the base weighs "
                + "\(weights). Its absmax constants add \(constants) (\(number(bitsPerValue)) bits per "
                + "quantized value with blocks of \(base.blocksize)\(doubleQuantization)). \(adapters); \(activations)."
        }
    }

    /// A number with up to four significant decimals and no trailing zeros, such as `16` or `4.127`.
    private static func number(_ value: Double) -> String {
        String(format: "%.4g", value)
    }
}

extension NotebookMemoryTable: Sendable {}
extension NotebookMemoryTable.Kind: Sendable {}
extension NotebookMemoryTable.Term: Sendable {}
