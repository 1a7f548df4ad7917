import Foundation
import QLoRAEngine
import Testing

@Suite struct QuantizeCommandTests {
    /// The file `quantize --type nf4 --out` writes holds bitsandbytes' own packed codes and absmax.
    @Test(arguments: ["nf4", "fp4"])
    func writesWhatBitsandbytesComputes(type: String) throws {
        let folder = try ScratchFolder()
        let caseName = "normal_std1_64x48.\(type).b64"
        let out = folder.path("q.safetensors")
        let result = try CommandRunner.run([
            "quantize", BitsandbytesCases.path(caseName, "input.npy"), "--type", type, "--out", out,
        ])
        #expect(result.status == 0, "\(result.standardError)")
        let file = try SafetensorsFile(path: out)
        #expect(file.names == ["weight", "weight.absmax", "weight.quant_map", "weight.quant_state.bitsandbytes__\(type)"])
        let packed = try NumpyFile.read(path: BitsandbytesCases.path(caseName, "packed.npy"))
        #expect(try file.array(named: "weight") == packed)
        let absmax = try NumpyFile.read(path: BitsandbytesCases.path(caseName, "absmax.npy"))
        #expect(try file.array(named: "weight.absmax") == absmax)
        let state = try file.array(named: "weight.quant_state.bitsandbytes__\(type)")
        #expect(String(decoding: state.bytes, as: UTF8.self)
            == #"{"quant_type": "\#(type)", "blocksize": 64, "dtype": "float32", "shape": [64, 48]}"#)
        #expect(result.standardOutput.contains("4.5 bits/param"))
    }

    @Test func writesDoubleQuantizationAndInspectReadsItBack() throws {
        let folder = try ScratchFolder()
        let caseName = "uniform_1000_rem.nf4.b64.dq"
        let out = folder.path("dq.safetensors")
        let result = try CommandRunner.run([
            "quantize", BitsandbytesCases.path(caseName, "input.npy"), "--type", "nf4", "--double-quant", "--out", out,
        ])
        #expect(result.status == 0, "\(result.standardError)")
        let file = try SafetensorsFile(path: out)
        #expect(file.names == [
            "weight", "weight.absmax", "weight.nested_absmax", "weight.nested_quant_map", "weight.quant_map",
            "weight.quant_state.bitsandbytes__nf4",
        ])
        #expect(try file.array(named: "weight") == NumpyFile.read(path: BitsandbytesCases.path(caseName, "packed.npy")))
        #expect(try file.array(named: "weight.nested_quant_map")
            == NumpyFile.read(path: BitsandbytesCases.path(caseName, "nested_code.npy")))
        let json = String(decoding: try file.array(named: "weight.quant_state.bitsandbytes__nf4").bytes, as: UTF8.self)
        let prefix = #"{"quant_type": "nf4", "blocksize": 64, "dtype": "float32", "shape": [1000], "nested_blocksize": 256, "nested_dtype": "float32", "nested_offset": "#
        #expect(json.hasPrefix(prefix))
        // The offset, written as a double the way Python prints it, is bitsandbytes' float32 mean exactly.
        let offset = try NumpyFile.read(path: BitsandbytesCases.path(caseName, "offset.npy")).float32Values(source: "offset")
        #expect(Double(json.dropFirst(prefix.count).dropLast()) == offset.first.map(Double.init))

        let inspect = try CommandRunner.run(["inspect", out])
        #expect(inspect.status == 0, "\(inspect.standardError)")
        #expect(inspect.standardOutput.contains("weight: nf4 [1000], blocksize 64, double quantization"))
        #expect(inspect.standardOutput.contains("weight: nf4 [1000], blocksize 64, double quantization"))
        let listing = inspect.standardOutput.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        #expect(listing.contains("weight.nested_quant_map F32 [256] 1,024"))
        #expect(listing.contains("weight.quant_state.bitsandbytes__nf4 U8 [\(json.utf8.count)] \(json.utf8.count)"))
    }

    @Test func jsonReportHasTheNumbers() throws {
        let result = try CommandRunner.run([
            "quantize", BitsandbytesCases.path("normal_std1_64x48.nf4.b64", "input.npy"), "--type", "nf4", "--json",
        ])
        #expect(result.status == 0, "\(result.standardError)")
        let report = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        let stored = report?["stored"] as? [String: Any]
        #expect(stored?["bits_per_param"] as? Double == 4.5)
        #expect(stored?["bytes"] as? Int == 1536 + 48 * 4 + 16 * 4)
        let error = report?["error"] as? [String: Any]
        #expect((error?["sqnr_decibels"] as? Double ?? 0) > 15)
        #expect(error?["block_count"] as? Int == 48)
    }

    @Test(arguments: [("minmax4", ["weight", "weight.min", "weight.scale"]), ("int8", ["weight", "weight.scales"]), ("int4", ["weight", "weight.scales"])])
    func writesTheOtherQuantizers(type: String, names: [String]) throws {
        let folder = try ScratchFolder()
        let input = try folder.file("w.npy", NumpyFile.encode(StoredArray(float32: [-1, 0.5, 0.25, 2, -3], shape: [5])))
        let out = folder.path("o.safetensors")
        let result = try CommandRunner.run(["quantize", input, "--type", type, "--out", out])
        #expect(result.status == 0, "\(result.standardError)")
        let file = try SafetensorsFile(path: out)
        #expect(file.names == names)
        #expect(file.metadata["quantizer"] == type)
    }

    /// The smallest integer block `quantize` takes (smaller ones are refused before the input is
    /// read, see `BadInputTests`): one scale per 16 values.
    @Test(arguments: ["int8", "int4"])
    func takesIntegerBlocksOfSixteen(type: String) throws {
        let folder = try ScratchFolder()
        let input = try folder.file("w.npy", NumpyFile.encode(StoredArray(float32: (0..<40).map { Float($0) - 20 }, shape: [40])))
        let result = try CommandRunner.run(["quantize", input, "--type", type, "--blocksize", "16", "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let report = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        let error = report?["error"] as? [String: Any]
        #expect(error?["block_count"] as? Int == 3)
    }

    @Test func picksANamedTensorFromSafetensors() throws {
        let folder = try ScratchFolder()
        let input = try folder.file("m.safetensors", SafetensorsFile.encode([
            "q_proj.weight": StoredArray(float32: (0..<128).map { Float($0) / 64 - 1 }, shape: [4, 32]),
            "k_proj.weight": StoredArray(float32: [1, 2], shape: [2]),
        ]))
        let out = folder.path("q.safetensors")
        let result = try CommandRunner.run(["quantize", input, "--tensor", "q_proj.weight", "--type", "fp4", "--blocksize", "32", "--out", out])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(try SafetensorsFile(path: out).names.first == "q_proj.weight")
        #expect(result.standardOutput.hasPrefix("\(input) q_proj.weight: float32 [4, 32], 128 values"))
    }
}
