import Foundation
import Testing
@testable import QLoRAEngine

@Suite struct BitsandbytesCheckpointTests {
    static func weight(_ type: FourBitType, doubleQuantization: Bool, count: Int = 301) throws -> FourBitQuantized {
        var generator = SeededGenerator(seed: 11)
        let tensor = Tensor.normal(rows: 1, columns: count, standardDeviation: 0.02, using: &generator)
        return try FourBitQuantized(
            quantizing: Tensor(shape: [7, count / 7], scalars: Array(tensor.scalars.prefix(count / 7 * 7))),
            type: type, blocksize: 32, doubleQuantization: doubleQuantization)
    }

    static func json(_ text: String) -> StoredArray {
        StoredArray(uint8: Array(text.utf8), shape: [text.utf8.count])
    }

    static func file(_ arrays: [String: StoredArray]) throws -> SafetensorsFile {
        try SafetensorsFile(decoding: SafetensorsFile.encode(arrays), source: "w.safetensors")
    }

    @Test(arguments: [(FourBitType.nf4, false), (.nf4, true), (.fp4, false), (.fp4, true)])
    func roundTripsThroughAFile(type: FourBitType, doubleQuantization: Bool) throws {
        let weight = try Self.weight(type, doubleQuantization: doubleQuantization)
        let file = try Self.file(BitsandbytesCheckpoint.arrays(for: weight, named: "layer.q_proj.weight"))
        #expect(BitsandbytesCheckpoint.weightNames(in: file) == ["layer.q_proj.weight"])
        let loaded = try BitsandbytesCheckpoint.weight(named: "layer.q_proj.weight", in: file)
        #expect(loaded == weight)
        #expect(loaded.dequantized() == weight.dequantized())
    }

    @Test func keysDtypesAndShapesAreBitsandbytes() throws {
        let weight = try Self.weight(.nf4, doubleQuantization: true)
        let arrays = BitsandbytesCheckpoint.arrays(for: weight, named: "W")
        let blocks = (weight.count + 31) / 32
        #expect(arrays["W"]?.elementType == .uint8 && arrays["W"]?.shape == [(weight.count + 1) / 2, 1])
        #expect(arrays["W.absmax"]?.elementType == .uint8 && arrays["W.absmax"]?.shape == [blocks])
        #expect(arrays["W.nested_absmax"]?.elementType == .float32 && arrays["W.nested_absmax"]?.shape == [1])
        #expect(arrays["W.quant_map"]?.shape == [16] && arrays["W.nested_quant_map"]?.shape == [256])
        let state = try #require(arrays["W.quant_state.bitsandbytes__nf4"])
        #expect(String(decoding: state.bytes, as: UTF8.self).hasPrefix(
            #"{"quant_type": "nf4", "blocksize": 32, "dtype": "float32", "shape": [7, 43], "nested_blocksize": 256, "nested_dtype": "float32", "nested_offset": "#))
    }

    @Test func findsOnlyTheFourBitWeights() throws {
        var arrays = BitsandbytesCheckpoint.arrays(for: try Self.weight(.nf4, doubleQuantization: false), named: "a.W")
        arrays["a.W.bias"] = StoredArray(float32: [0], shape: [1])
        arrays["b.W"] = StoredArray(float32: [0], shape: [1])
        #expect(BitsandbytesCheckpoint.weightNames(in: try Self.file(arrays)) == ["a.W"])
    }

    /// Each way a stored 4-bit weight can be broken is a message about the file, never a trap.
    @Test(arguments: [
        ("W.absmax", nil, "has no tensor 'W.absmax'"),
        ("W.absmax", StoredArray(uint8: [1], shape: [1]), "has dtype U8; expected F32"),
        ("W", StoredArray(uint8: [1, 2], shape: [2, 1]), "W holds 2 bytes; expected 151"),
        ("W.quant_state.bitsandbytes__nf4", json("{\"quant_type\": 4}"), "is not bitsandbytes quant-state JSON"),
        ("W.quant_state.bitsandbytes__nf4", json(#"{"quant_type": "fp4", "blocksize": 32, "dtype": "float32", "shape": [7, 43]}"#), "quant state says 'fp4'"),
        ("W.quant_state.bitsandbytes__nf4", json(#"{"quant_type": "nf4", "blocksize": 32, "dtype": "float32", "shape": [9223372036854775807]}"#), "expected 4611686018427387904"),
        ("W.quant_state.bitsandbytes__nf4", json(#"{"quant_type": "nf4", "blocksize": 32, "dtype": "float32", "shape": [4294967296, 4294967296]}"#), "overflows"),
        ("W.quant_state.bitsandbytes__nf4", json(#"{"quant_type": "nf4", "blocksize": 48, "dtype": "float32", "shape": [7, 43]}"#), "blocksize: expected one of 32"),
        ("W.quant_state.bitsandbytes__nf4", json(#"{"quant_type": "nf4", "blocksize": 32, "dtype": "float32", "shape": [7, 43], "nested_blocksize": 9223372036854775807, "nested_dtype": "float32", "nested_offset": 0.1}"#), "nested_blocksize 9223372036854775807"),
    ] as [(String, StoredArray?, String)])
    func refusesBrokenWeights(part: String, replacement: StoredArray?, expected: String) throws {
        var arrays = BitsandbytesCheckpoint.arrays(for: try Self.weight(.nf4, doubleQuantization: false), named: "W")
        arrays[part] = replacement
        let file = try Self.file(arrays)
        #expect {
            try BitsandbytesCheckpoint.weight(named: "W", in: file)
        } throws: { error in
            guard let error = error as? InputError else { return false }
            return error.source.hasPrefix("w.safetensors") && error.message.contains(expected)
        }
    }
}
