import Foundation
import QLoRAEngine
import TutorLessons

/// What `quantize` prints: the input, the error, and the bytes before and after.
struct QuantizeReport: Encodable {
    struct Input: Encodable {
        var file: String
        var tensor: String?
        var dtype: String
        var shape: [Int]
        var count: Int
        var bytes: Int
    }

    struct Quantizer: Encodable {
        var type: String
        var blocksize: Int?
        var doubleQuant: Bool
    }

    struct Error: Encodable {
        var meanAbsoluteError: Double
        var meanSquaredError: Double
        var rootMeanSquaredError: Double
        var maximumAbsoluteError: Double
        /// Nil when the reconstruction is exact and the ratio is infinite.
        var sqnrDecibels: Double?
        var blockCount: Int
        var worstBlock: Int?
        var worstBlockMeanSquaredError: Double?
    }

    struct Stored: Encodable {
        var buffers: [Buffer]
        var bytes: Int
        var bitsPerParam: Double
        var bitsPerParamWithCodebooks: Double
    }

    struct Buffer: Encodable {
        var name: String
        var dtype: String
        var count: Int
        var bytes: Int
        var codebook: Bool
    }

    struct Output: Encodable {
        var file: String
        var tensors: [String]
    }

    var input: Input
    var quantizer: Quantizer
    var error: Error
    var stored: Stored
    var out: Output?

    init(
        input: InputTensor, method: String, blocksize: Int?, doubleQuantization: Bool,
        statistics: ErrorStatistics, quantized: any QuantizedTensor, written: (path: String, names: [String])?
    ) {
        self.input = Input(
            file: input.path, tensor: input.name, dtype: input.storedType.displayName, shape: input.tensor.shape,
            count: input.tensor.count, bytes: input.tensor.count * input.storedType.byteCount)
        quantizer = Quantizer(type: method, blocksize: blocksize, doubleQuant: doubleQuantization)
        let perBlock = statistics.perBlockMeanSquaredError
        let worst = perBlock.indices.max { perBlock[$0] < perBlock[$1] }
        error = Error(
            meanAbsoluteError: statistics.meanAbsoluteError, meanSquaredError: statistics.meanSquaredError,
            rootMeanSquaredError: statistics.rootMeanSquaredError, maximumAbsoluteError: statistics.maximumAbsoluteError,
            sqnrDecibels: statistics.signalToQuantizationNoiseDecibels.isFinite ? statistics.signalToQuantizationNoiseDecibels : nil,
            blockCount: perBlock.count, worstBlock: worst, worstBlockMeanSquaredError: worst.map { perBlock[$0] })
        stored = Stored(
            buffers: quantized.storedBuffers.map {
                Buffer(name: $0.name, dtype: $0.dtype, count: $0.count, bytes: $0.bytes, codebook: $0.isCodebook)
            },
            bytes: quantized.storedBytes, bitsPerParam: quantized.bitsPerParameter,
            bitsPerParamWithCodebooks: quantized.bitsPerParameterIncludingCodebooks)
        out = written.map { Output(file: $0.path, tensors: $0.names) }
    }

    /// The report as JSON with snake_case keys, sorted.
    var json: String {
        // Every number is finite (an infinite SQNR is nil), so encoding cannot fail.
        (try? CommandOutput.json(self)) ?? "{}"
    }

    /// The report as aligned text.
    var text: String {
        let name = input.tensor.map { " \($0)" } ?? ""
        var lines = [
            "\(input.file)\(name): \(input.dtype) \(NumberFormat.shape(input.shape)), \(NumberFormat.count(input.count)) values",
            "\(quantizer.type)" + (quantizer.blocksize.map { ", blocksize \($0)" } ?? ", one block")
                + (quantizer.doubleQuant ? ", double quantization" : ""),
            "",
            "error",
        ]
        var errorTable = TextTable()
        errorTable.rows = [
            ["mean absolute error", NumberFormat.significant(error.meanAbsoluteError)],
            ["mean squared error", NumberFormat.significant(error.meanSquaredError)],
            ["root mean squared error", NumberFormat.significant(error.rootMeanSquaredError)],
            ["max absolute error", NumberFormat.significant(error.maximumAbsoluteError)],
            ["SQNR", error.sqnrDecibels.map { NumberFormat.significant($0) + " dB" } ?? "infinite (exact)"],
        ]
        if let worst = error.worstBlock, let mse = error.worstBlockMeanSquaredError, error.blockCount > 1 {
            errorTable.rows.append(["worst block MSE", "\(NumberFormat.significant(mse)) (block \(worst) of \(error.blockCount))"])
        }
        lines.append(errorTable.render(indent: "  "))

        var bytesTable = TextTable(header: ["", "buffer", "dtype", "count", "bytes"], rightAligned: [3, 4])
        bytesTable.rows.append(["before", input.tensor ?? "input", input.dtype, NumberFormat.count(input.count), NumberFormat.count(input.bytes)])
        for (index, buffer) in stored.buffers.enumerated() {
            bytesTable.rows.append([
                index == 0 ? "after" : "", buffer.name + (buffer.codebook ? " (codebook)" : ""), buffer.dtype,
                NumberFormat.count(buffer.count), NumberFormat.count(buffer.bytes),
            ])
        }
        bytesTable.rows.append(["", "total", "", "", NumberFormat.count(stored.bytes)])
        lines += ["", "bytes", bytesTable.render(indent: "  ")]
        let ratio = stored.bytes > 0 ? Double(input.bytes) / Double(stored.bytes) : 0
        lines.append(
            "  \(NumberFormat.significant(stored.bitsPerParam)) bits/param (\(NumberFormat.significant(stored.bitsPerParamWithCodebooks)) with codebooks), "
                + String(format: "%.2f", ratio) + "x smaller than \(input.dtype)")
        if let out {
            lines += ["", "wrote \(out.file): \(out.tensors.joined(separator: ", "))"]
        }
        return lines.joined(separator: "\n")
    }
}
