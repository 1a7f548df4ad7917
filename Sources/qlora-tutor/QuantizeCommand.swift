import ArgumentParser
import Foundation
import QLoRAEngine

/// `qlora-tutor quantize`: quantize a tensor from a file, report the error and the bytes, and
/// optionally write the result.
struct QuantizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Quantize a tensor and show the error and the bytes it costs.",
        discussion: """
            nf4 and fp4 quantize as bitsandbytes does (blocks of --blocksize, default 64; with \
            --double-quant the absmax values are quantized to 8 bits too), and --out writes the layout \
            bitsandbytes and transformers load. int8 and int4 are symmetric absmax (per tensor, or per \
            block with --blocksize); minmax4 is the tutorial's per-tensor min-max quantizer.
            """
    )

    /// The smallest int4/int8 block: one float32 scale per 16 values already adds 2 bits to every
    /// value, and smaller blocks would make the scales (and the per-block error table) outgrow the
    /// codes, up to 40 bits per value at a block of 1, more than the float32 input it quantizes.
    static let smallestIntegerBlocksize = 16

    /// The quantizers the command offers.
    enum Method: String, CaseIterable, ExpressibleByArgument {
        case minmax4, int4, int8, nf4, fp4
    }

    @Argument(help: "A .npy or .safetensors file holding the tensor.")
    var input: String

    @Option(help: "The tensor to quantize, when a .safetensors file holds several.")
    var tensor: String?

    @Option(help: "The quantizer: \(Method.allCases.map(\.rawValue).joined(separator: ", ")).")
    var type: Method

    @Option(help: "Values per block: for nf4/fp4 one of 32, 64 (default), 128, ..., 4096; for int4/int8 \(Self.smallestIntegerBlocksize) or more (default: one block).")
    var blocksize: Int?

    @Flag(help: "Quantize the nf4/fp4 absmax values to 8 bits as well (QLoRA's double quantization).")
    var doubleQuant = false

    @Option(help: "Write the quantized tensor to this .safetensors file.")
    var out: String?

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() throws {
        // Before the input is read: a refused blocksize costs no memory.
        if type == .int4 || type == .int8, let blocksize, blocksize < Self.smallestIntegerBlocksize {
            throw InputError(
                "--blocksize", "expected at least \(Self.smallestIntegerBlocksize) for \(type.rawValue), got \(blocksize)")
        }
        let input = try InputTensor(path: self.input, tensorName: tensor)
        let name = input.name ?? "weight"
        let quantized: any QuantizedTensor
        let arrays: [String: StoredArray]
        let statisticsBlocksize: Int?
        do {
            (quantized, arrays, statisticsBlocksize) = try quantize(input.tensor, name: name)
        } catch let error as InputError {
            throw restated(error, input: input)
        }
        let statistics = ErrorStatistics(
            original: input.tensor, reconstructed: quantized.dequantized(), blocksize: statisticsBlocksize)
        if let out {
            try SafetensorsFile.write(arrays, metadata: metadata(for: input), to: out)
        }
        let report = QuantizeReport(
            input: input, method: type.rawValue, blocksize: statisticsBlocksize, doubleQuantization: doubleQuant,
            statistics: statistics, quantized: quantized, written: out.map { ($0, arrays.keys.sorted()) })
        print(json ? report.json : report.text)
    }

    /// Quantizes with the chosen method; returns the result, the arrays `--out` writes, and the
    /// blocksize the error is broken down by.
    private func quantize(_ values: Tensor, name: String) throws -> (any QuantizedTensor, [String: StoredArray], Int?) {
        if doubleQuant, type != .nf4, type != .fp4 {
            throw InputError("--double-quant", "applies to nf4 and fp4 only; expected --type nf4 or fp4")
        }
        switch type {
        case .minmax4:
            if blocksize != nil {
                throw InputError("--blocksize", "minmax4 uses one range for the whole tensor; expected no --blocksize")
            }
            let quantized = try MinMax4BitQuantized(quantizing: values)
            return (quantized, [
                name: StoredArray(uint8: quantized.codes, shape: values.shape),
                "\(name).scale": StoredArray(float32: [quantized.scale], shape: []),
                "\(name).min": StoredArray(float32: [quantized.minimum], shape: []),
            ], nil)
        case .int4, .int8:
            let quantized = try AbsmaxIntegerQuantized(quantizing: values, bits: type == .int4 ? 4 : 8, blocksize: blocksize)
            // int8 codes one per byte in the input's shape; int4 codes two per byte, as counted.
            let codes = quantized.packedCodes.map { StoredArray(uint8: $0, shape: [$0.count]) }
                ?? StoredArray(int8: quantized.codes, shape: values.shape)
            return (quantized, [name: codes, "\(name).scales": StoredArray(float32: quantized.scales, shape: [quantized.scales.count])], blocksize)
        case .nf4, .fp4:
            let quantized = try FourBitQuantized(
                quantizing: values, type: type == .nf4 ? .nf4 : .fp4, blocksize: blocksize ?? 64,
                doubleQuantization: doubleQuant)
            return (quantized, BitsandbytesCheckpoint.arrays(for: quantized, named: name), quantized.blocksize)
        }
    }

    /// What `--out` records under `__metadata__`: for nf4/fp4 what transformers' `save_pretrained`
    /// writes; for the other methods what they are, so the file explains itself.
    private func metadata(for input: InputTensor) -> [String: String] {
        guard type != .nf4, type != .fp4 else { return ["format": "pt"] }
        var metadata = ["quantizer": type.rawValue, "shape": NumberFormat.shape(input.tensor.shape)]
        if let blocksize { metadata["blocksize"] = String(blocksize) }
        if type == .int4 { metadata["packing"] = "two's-complement nibbles, element 2k in the high nibble" }
        return metadata
    }

    /// A quantizer's error about one of its parameters, restated in terms of the flag or file it came from.
    private func restated(_ error: InputError, input: InputTensor) -> InputError {
        switch error.source {
        case "blocksize": InputError("--blocksize", error.message)
        case "tensor": InputError(input.source, error.message)
        default: error
        }
    }
}
