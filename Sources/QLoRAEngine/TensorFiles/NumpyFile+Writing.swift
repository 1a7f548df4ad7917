import Foundation

extension NumpyFile {
    /// The bytes of a version 1.0 `.npy` file holding `array`, as `numpy.save` lays it out.
    ///
    /// The header is padded with spaces and ends in a newline so the data starts on a multiple of 64 bytes.
    /// NumPy has no bfloat16, so a bfloat16 array is widened to float32, which holds every value exactly.
    public static func encode(_ array: StoredArray) -> Data {
        var array = array
        let descr: String
        switch array.elementType {
        case .float32: descr = "<f4"
        case .float16: descr = "<f2"
        case .bfloat16:
            descr = "<f4"
            array = StoredArray(float32: array.widenedToFloat32(), shape: array.shape)
        case .uint8: descr = "|u1"
        case .int8: descr = "|i1"
        }
        let shape = array.shape.count == 1 ? "(\(array.shape[0]),)" : "(" + array.shape.map(String.init).joined(separator: ", ") + ")"
        var header = Array("{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }".utf8)
        let unpadded = magic.count + 4 + header.count + 1
        header += Array(repeating: UInt8(ascii: " "), count: (64 - unpadded % 64) % 64) + [UInt8(ascii: "\n")]
        var bytes = magic
        bytes.append(contentsOf: [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)])
        bytes.append(contentsOf: header)
        bytes.append(array.bytes)
        return bytes
    }
}
