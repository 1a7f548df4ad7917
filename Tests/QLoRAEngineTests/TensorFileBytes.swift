import Foundation
@testable import QLoRAEngine

/// Builders for the bytes of small tensor files, well-formed or broken on purpose.
enum TensorFileBytes {
    /// A `.npy` file with the given header dict literal and data, in format `version` (1, 2 or 3).
    static func numpy(header dictionary: String, data: Data, version: UInt8 = 1) -> Data {
        let lengthWidth = version == 1 ? 2 : 4
        var header = Array(dictionary.utf8)
        let unpadded = 6 + 2 + lengthWidth + header.count + 1
        header += Array(repeating: UInt8(ascii: " "), count: (64 - unpadded % 64) % 64) + [UInt8(ascii: "\n")]
        var bytes = NumpyFile.magic
        bytes.append(contentsOf: [version, 0])
        let length = UInt32(header.count)
        bytes.append(contentsOf: (0..<lengthWidth).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) })
        bytes.append(contentsOf: header)
        bytes.append(data)
        return bytes
    }

    /// A `.npy` header literal for a C-order array.
    static func numpyHeader(descr: String, shape: String, fortranOrder: Bool = false) -> String {
        "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(shape), }"
    }

    /// Little-endian float32 bytes.
    static func float32(_ values: [Float]) -> Data {
        StoredArray(float32: values, shape: [values.count]).bytes
    }

    /// A `.safetensors` file with a header given as JSON text and raw data.
    static func safetensors(headerJSON: String, data: Data = Data(), declaredLength: UInt64? = nil) -> Data {
        let header = Data(headerJSON.utf8)
        var bytes = Data()
        withUnsafeBytes(of: (declaredLength ?? UInt64(header.count)).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(header)
        bytes.append(data)
        return bytes
    }

    /// The folder of cases made with bitsandbytes.
    static var bitsandbytesCases: URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("bnb-4bit")
    }
}
