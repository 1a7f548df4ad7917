import Foundation
import Testing
@testable import QLoRAEngine

@Suite struct SafetensorsFileTests {
    @Test func writesThenReadsEveryElementType() throws {
        let arrays: [String: StoredArray] = [
            "b.codes": StoredArray(uint8: [1, 2, 3], shape: [3, 1]),
            "a.weight": StoredArray(float32: [1.5, -2, 0.25, 8], shape: [2, 2]),
            "c.signed": StoredArray(int8: [-128, 0, 127], shape: [3]),
            "d.half": StoredArray(elementType: .float16, shape: [2], bytes: Data([0x00, 0x3C, 0x00, 0xC0])),
            "e.brain": StoredArray(elementType: .bfloat16, shape: [1], bytes: Data([0x80, 0x3F])),
        ]
        let bytes = SafetensorsFile.encode(arrays, metadata: ["format": "pt"])
        let file = try SafetensorsFile(decoding: bytes, source: "t.safetensors")
        #expect(file.names == arrays.keys.sorted())
        #expect(file.metadata == ["format": "pt"])
        for (name, array) in arrays {
            #expect(try file.array(named: name) == array)
        }
        #expect(try file.array(named: "d.half").tensor(source: "d").scalars == [1, -2])
        #expect(try file.array(named: "e.brain").tensor(source: "e").scalars == [1])
    }

    @Test func headerIsSortedAlignedAndPaddedWithSpaces() throws {
        let bytes = SafetensorsFile.encode([
            "z": StoredArray(uint8: [9], shape: [1]), "a": StoredArray(float32: [1], shape: [1]),
        ])
        let headerLength = Int(bytes.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        #expect(headerLength % 8 == 0)
        let header = String(decoding: bytes.dropFirst(8).prefix(headerLength), as: UTF8.self)
        #expect(header.hasPrefix(#"{"a":{"data_offsets":[0,4],"dtype":"F32","shape":[1]},"z":{"data_offsets":[4,5]"#))
        #expect(header.hasSuffix("}") || header.hasSuffix(" "))
        #expect(header.trimmingCharacters(in: .whitespaces).hasSuffix("}"))
        // The float32 tensor comes first so it starts on a multiple of 4.
        let file = try SafetensorsFile(decoding: bytes, source: "t")
        #expect(file.entries.map(\.name) == ["a", "z"])
    }

    @Test func readsAnEmptyTensor() throws {
        let file = try SafetensorsFile(
            decoding: TensorFileBytes.safetensors(headerJSON: #"{"w":{"dtype":"F32","shape":[0,3],"data_offsets":[0,0]}}"#),
            source: "e")
        #expect(try file.array(named: "w").shape == [0, 3])
    }

    @Test func anUnknownNameListsTheNames() throws {
        let file = try SafetensorsFile(
            decoding: SafetensorsFile.encode(["q": StoredArray(uint8: [1], shape: [1]), "k": StoredArray(uint8: [1], shape: [1])]),
            source: "m.safetensors")
        #expect(throws: InputError("m.safetensors", "has no tensor 'v'; expected one of: k, q")) {
            try file.array(named: "v")
        }
    }

    static let f32 = #""dtype":"F32""#

    /// Each broken file is refused with a message that says what was wrong.
    @Test(arguments: [
        (Data([1, 2, 3]), "expected 8 bytes of the header length"),
        (TensorFileBytes.safetensors(headerJSON: "{}", declaredLength: 200_000_000), "header length 200000000 runs past the end"),
        (TensorFileBytes.safetensors(headerJSON: "{}", declaredLength: 50), "header length 50 runs past the end of the file (2 bytes after it)"),
        (TensorFileBytes.safetensors(headerJSON: "[1]"), "does not start with '{'"),
        (TensorFileBytes.safetensors(headerJSON: "{\"w\": "), "not valid JSON"),
        (TensorFileBytes.safetensors(headerJSON: #"{"w":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}"#, data: Data(count: 8)), "dtype F64"),
        (TensorFileBytes.safetensors(headerJSON: #"{"w":{"dtype":"F32","shape":[1]}}"#, data: Data(count: 4)), "'w.data_offsets'"),
        (TensorFileBytes.safetensors(headerJSON: #"{"w":{\#(f32),"shape":[2],"data_offsets":[0,8]}}"#, data: Data(count: 4)), "runs past the end"),
        (TensorFileBytes.safetensors(headerJSON: #"{"w":{\#(f32),"shape":[3],"data_offsets":[0,8]}}"#, data: Data(count: 8)), "expected 12 for F32 [3]"),
        (TensorFileBytes.safetensors(headerJSON: #"{"a":{\#(f32),"shape":[2],"data_offsets":[0,8]},"b":{\#(f32),"shape":[2],"data_offsets":[4,12]}}"#, data: Data(count: 12)), "overlaps"),
        (TensorFileBytes.safetensors(headerJSON: #"{"a":{\#(f32),"shape":[1],"data_offsets":[4,8]}}"#, data: Data(count: 8)), "gap"),
        (TensorFileBytes.safetensors(headerJSON: #"{"a":{\#(f32),"shape":[1],"data_offsets":[0,4]}}"#, data: Data(count: 9)), "expected 4, where the last tensor ends"),
        (TensorFileBytes.safetensors(headerJSON: #"{"a":{\#(f32),"shape":[1],"data_offsets":[8,4]}}"#, data: Data(count: 8)), "0 <= begin <= end"),
        (TensorFileBytes.safetensors(headerJSON: #"{"a":{\#(f32),"shape":[4611686018427387904,4],"data_offsets":[0,0]}}"#), "overflows"),
        (TensorFileBytes.safetensors(headerJSON: #"{"a":{\#(f32),"shape":[-1],"data_offsets":[0,0]}}"#), "negative dimension"),
        (TensorFileBytes.safetensors(headerJSON: #"{"a":{\#(f32),"shape":[1e40],"data_offsets":[0,0]}}"#), "not valid JSON"),
        (TensorFileBytes.safetensors(headerJSON: #"{"a":{\#(f32),"shape":"[1]","data_offsets":[0,4]}}"#, data: Data(count: 4)), "'a.shape'"),
    ])
    func refusesBrokenFiles(bytes: Data, expected: String) {
        #expect {
            try SafetensorsFile(decoding: bytes, source: "bad.safetensors")
        } throws: { error in
            guard let error = error as? InputError else { return false }
            return error.source.hasPrefix("bad.safetensors") && error.message.contains(expected)
        }
    }
}
