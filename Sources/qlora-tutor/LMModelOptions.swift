import ArgumentParser
import Foundation
import QLoRAEngine

/// The model a command runs: a folder, optionally an adapter over it, optionally quantized first.
struct LMModelOptions: ParsableArguments {
    /// How the decoder linears are stored before the model runs.
    enum Quantization: String, CaseIterable, ExpressibleByArgument {
        case none, nf4, fp4, int4

        var format: FrozenBase.Format? {
            switch self {
            case .none: nil
            case .nf4: .nf4
            case .fp4: .fp4
            case .int4: .int4
            }
        }
    }

    @Argument(help: "A Hugging Face Llama folder: config.json and model.safetensors (F32, F16, BF16, or bitsandbytes 4-bit).")
    var model: String

    @Option(help: "A peft LoRA adapter folder to attach: adapter_config.json and adapter_model.safetensors.")
    var adapter: String?

    @Option(help: "Quantize every decoder linear of a float model first, as bitsandbytes does: none, nf4, fp4, int4.")
    var quantize = Quantization.none

    @Option(help: "Values per block for --quantize (default 64).")
    var blocksize: Int?

    @Flag(help: "Quantize the nf4/fp4 absmax values to 8 bits as well (QLoRA's double quantization).")
    var doubleQuant = false

    /// Reads the model, quantizes it and attaches the adapter, as the flags say.
    func load() throws -> LlamaModel {
        try validateQuantization()
        var model = try LlamaModel(folder: self.model)
        if let format = quantize.format {
            if model.layers.contains(where: { layer in layer.projections.contains { $0.base.format != .float32 } }) {
                throw InputError("--quantize", "\(self.model) is already quantized; expected a float model folder")
            }
            model = try restatingBlocksize { try model.quantized(format, blocksize: blocksize ?? 64, doubleQuantization: doubleQuant) }
        }
        if let adapter {
            try model.load(PeftAdapter(folder: adapter, for: model.configuration))
        }
        return model
    }

    /// Throws for a blocksize or double quantization without the quantization they belong to.
    func validateQuantization() throws {
        if quantize == .none, blocksize != nil {
            throw InputError("--blocksize", "applies with --quantize nf4, fp4 or int4 only")
        }
        if quantize == .int4, let blocksize, blocksize < QuantizeCommand.smallestIntegerBlocksize {
            throw InputError(
                "--blocksize", "expected at least \(QuantizeCommand.smallestIntegerBlocksize) for int4, got \(blocksize)")
        }
        if doubleQuant, quantize != .nf4, quantize != .fp4 {
            throw InputError("--double-quant", "applies with --quantize nf4 or fp4 only")
        }
    }

    /// Runs `body`, naming `--blocksize` in an error about the blocksize.
    private func restatingBlocksize<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as InputError where error.source == "blocksize" {
            throw InputError("--blocksize", error.message)
        }
    }
}
