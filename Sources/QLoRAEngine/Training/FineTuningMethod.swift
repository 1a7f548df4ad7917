import Foundation

/// How a pretrained network is adapted to a new task.
public enum FineTuningMethod: String, CaseIterable {
    /// Every weight trains.
    case full
    /// Weights frozen in float32; a LoRA adapter on each linear layer trains.
    case lora
    /// Weights frozen in NF4 (blocksize 64); LoRA adapters train: QLoRA.
    case qloraNF4 = "qlora-nf4"
    /// QLoRA with bitsandbytes' FP4 instead of NF4.
    case qloraFP4 = "qlora-fp4"
    /// QLoRA over symmetric absmax int4 in blocks of 64.
    case qloraInt4 = "qlora-int4"
    /// QLoRA over symmetric absmax int8 in blocks of 64.
    case qloraInt8 = "qlora-int8"

    /// The methods `train` compares unless told otherwise.
    public static let standard: [FineTuningMethod] = [.full, .lora, .qloraNF4, .qloraFP4, .qloraInt4]

    /// The methods `LlamaFineTuningComparison` runs unless told otherwise: the QLoRA paper's full
    /// fine-tuning, LoRA over a float base, and QLoRA over NF4 and over FP4.
    public static let llamaStandard: [FineTuningMethod] = [.full, .lora, .qloraNF4, .qloraFP4]

    /// How the frozen weights are stored, or nil when they train.
    public var baseFormat: FrozenBase.Format? {
        switch self {
        case .full: nil
        case .lora: .float32
        case .qloraNF4: .nf4
        case .qloraFP4: .fp4
        case .qloraInt4: .int4
        case .qloraInt8: .int8
        }
    }

    /// Parses a comma-separated list such as `full,lora,qlora-nf4`.
    ///
    /// - Throws: `InputError` naming `source` for an unknown or repeated method or an empty list.
    public static func parseList(_ text: String, source: String = "--methods") throws -> [FineTuningMethod] {
        var methods: [FineTuningMethod] = []
        for name in text.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard let method = FineTuningMethod(rawValue: trimmed) else {
                let known = allCases.map(\.rawValue).joined(separator: ", ")
                throw InputError(source, "unknown method '\(trimmed)'; expected a comma-separated list of \(known)")
            }
            guard !methods.contains(method) else {
                throw InputError(source, "method '\(trimmed)' is listed twice")
            }
            methods.append(method)
        }
        return methods
    }
}

extension FineTuningMethod: Sendable {}
