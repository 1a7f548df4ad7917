import Foundation
import Testing
@testable import QLoRAEngine

@Suite struct NumpyFileTests {
    @Test(arguments: [UInt8(1), 2, 3])
    func readsFloat32InEveryHeaderVersion(version: UInt8) throws {
        let values: [Float] = [1.5, -2.25, 0, 3e-8, 1e30, -0.0]
        let bytes = TensorFileBytes.numpy(
            header: TensorFileBytes.numpyHeader(descr: "<f4", shape: "(2, 3)"), data: TensorFileBytes.float32(values),
            version: version)
        let tensor = try NumpyFile.decode(bytes, source: "a.npy").tensor(source: "a.npy")
        #expect(tensor.shape == [2, 3])
        #expect(tensor.scalars.map(\.bitPattern) == values.map(\.bitPattern))
    }

    @Test func readsFloat16Exactly() throws {
        // 1.0, -2.0, 65504 (largest), 2^-24 (smallest subnormal), 0.333251953125, -inf
        let bits: [UInt16] = [0x3C00, 0xC000, 0x7BFF, 0x0001, 0x3555, 0xFC00]
        let data = Data(bits.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        let bytes = TensorFileBytes.numpy(header: TensorFileBytes.numpyHeader(descr: "<f2", shape: "(6,)"), data: data)
        let tensor = try NumpyFile.decode(bytes, source: "h.npy").tensor(source: "h.npy")
        #expect(tensor.scalars == [1, -2, 65504, 0x1p-24, 0.333251953125, -.infinity])
    }

    @Test func readsAScalarAndAnEmptyShape() throws {
        let scalar = TensorFileBytes.numpy(
            header: TensorFileBytes.numpyHeader(descr: "<f4", shape: "()"), data: TensorFileBytes.float32([7]))
        #expect(try NumpyFile.decode(scalar, source: "s.npy").tensor(source: "s.npy").scalars == [7])
        let empty = TensorFileBytes.numpy(header: TensorFileBytes.numpyHeader(descr: "<f4", shape: "(0, 4)"), data: Data())
        #expect(try NumpyFile.decode(empty, source: "e.npy").shape == [0, 4])
    }

    @Test func readsACaseMadeWithNumPy() throws {
        let url = TensorFileBytes.bitsandbytesCases.appendingPathComponent("odd_33.nf4.b64/input.npy")
        let tensor = try NumpyFile.read(path: url.path).tensor(source: url.path)
        #expect(tensor.shape == [33])
        #expect(tensor.scalars.prefix(3) == [-0.000765272241551429, 0.6762892603874207, 0.1939498484134674])
        let packed = try NumpyFile.read(path: url.deletingLastPathComponent().appendingPathComponent("packed.npy").path)
        #expect(packed.elementType == .uint8 && packed.shape == [17, 1])
        #expect(try packed.uint8Values(source: "packed").prefix(3) == [122, 133, 48])
    }

    /// Each broken file is refused with a message that says what was expected.
    @Test(arguments: [
        (TensorFileBytes.numpy(header: TensorFileBytes.numpyHeader(descr: "<f8", shape: "(1,)"), data: Data(count: 8)), "'<f8'"),
        (TensorFileBytes.numpy(header: TensorFileBytes.numpyHeader(descr: ">f4", shape: "(1,)"), data: Data(count: 4)), "big-endian"),
        (TensorFileBytes.numpy(header: TensorFileBytes.numpyHeader(descr: "<f4", shape: "(2, 2)", fortranOrder: true), data: Data(count: 16)), "Fortran"),
        (TensorFileBytes.numpy(header: TensorFileBytes.numpyHeader(descr: "<f4", shape: "(3,)"), data: Data(count: 8)), "expected 12"),
        (TensorFileBytes.numpy(header: TensorFileBytes.numpyHeader(descr: "<f4", shape: "(3,)"), data: Data(count: 8), version: 9), "version 9"),
        (TensorFileBytes.numpy(header: TensorFileBytes.numpyHeader(descr: "<f4", shape: "(-3,)"), data: Data()), "non-negative"),
        (TensorFileBytes.numpy(header: TensorFileBytes.numpyHeader(descr: "<f4", shape: "(4611686018427387904, 4)"), data: Data()), "overflows"),
        (TensorFileBytes.numpy(header: "{'descr': '<f4', 'shape': (1,)}", data: Data(count: 4)), "fortran_order"),
        (TensorFileBytes.numpy(header: "{'descr': '<f4', 'fortran_order': Maybe, 'shape': (1,)}", data: Data(count: 4)), "'Maybe'"),
        (TensorFileBytes.numpy(header: "{'descr': '<f4", data: Data()), "unterminated"),
        (Data("PK\u{3}\u{4}not numpy".utf8), "expected a .npy file"),
        (NumpyFile.magic + Data([1, 0, 0xFF]), "header length"),
        (NumpyFile.magic + Data([1, 0, 0x40, 0]) + Data("{'descr'".utf8), "header length 64 runs past the end of the file (8 bytes after it)"),
    ])
    func refusesBrokenFiles(bytes: Data, expected: String) {
        #expect {
            try NumpyFile.decode(bytes, source: "bad.npy")
        } throws: { error in
            guard let error = error as? InputError else { return false }
            return error.source == "bad.npy" && error.message.contains(expected)
        }
    }

    @Test func aMissingFileNamesThePath() {
        #expect(throws: InputError("/no/such/file.npy", "no such file; expected an existing file")) {
            try NumpyFile.read(path: "/no/such/file.npy")
        }
    }

    @Test func refusesCodesAsAFloatTensor() throws {
        let bytes = TensorFileBytes.numpy(header: TensorFileBytes.numpyHeader(descr: "|u1", shape: "(2,)"), data: Data([1, 2]))
        let array = try NumpyFile.decode(bytes, source: "u.npy")
        #expect(throws: InputError.self) { try array.tensor(source: "u.npy") }
    }

    @Test func encodeThenDecodeRoundTrips() throws {
        let arrays = [
            StoredArray(float32: [1, -2.5, 3], shape: [3, 1]),
            StoredArray(elementType: .float16, shape: [2], bytes: Data([0x00, 0x3C, 0x00, 0xC0])),
            StoredArray(uint8: [0, 255], shape: [2]),
            StoredArray(int8: [-1, 1], shape: [1, 2]),
            StoredArray(float32: [4], shape: []),
        ]
        for array in arrays {
            let bytes = NumpyFile.encode(array)
            #expect(bytes.count % 64 == array.bytes.count % 64)
            #expect(try NumpyFile.decode(bytes, source: "r.npy") == array)
        }
        let brain = StoredArray(elementType: .bfloat16, shape: [2], bytes: Data([0x80, 0x3F, 0xA0, 0xC0]))
        #expect(try NumpyFile.decode(NumpyFile.encode(brain), source: "b.npy") == StoredArray(float32: [1, -5], shape: [2]))
    }
}
