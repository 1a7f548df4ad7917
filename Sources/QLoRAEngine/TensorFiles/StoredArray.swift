import Foundation

/// An array as a tensor file stores it: an element type, a shape, and the little-endian bytes.
///
/// Files hold more than float32 tensors: 16-bit weights, packed 4-bit codes, 8-bit codes. A
/// `StoredArray` keeps any of them as bytes; `tensor(source:)` turns a floating-point one into the
/// engine's `Tensor`, and the typed initializers build the arrays a quantized weight is saved as.
public struct StoredArray: Equatable {
    /// The type of each element.
    public var elementType: ElementType
    /// The extent of each dimension, outermost first; `[]` is a scalar.
    public var shape: [Int]
    /// The elements in row-major order, each little-endian.
    public var bytes: Data

    /// Creates an array from bytes already laid out for `elementType` and `shape`.
    ///
    /// - Precondition: `bytes` holds exactly the elements `shape` describes.
    public init(elementType: ElementType, shape: [Int], bytes: Data) {
        precondition(
            (try? Self.byteCount(of: elementType, shape: shape, source: "")) == bytes.count,
            "\(bytes.count) bytes do not hold \(elementType.displayName) \(shape)")
        self.elementType = elementType
        self.shape = shape
        self.bytes = bytes
    }

    /// The number of elements, the product of `shape`.
    public var count: Int { bytes.count / elementType.byteCount }
}

extension StoredArray {
    /// A float32 array holding a tensor's values.
    public init(_ tensor: Tensor) {
        self.init(float32: tensor.scalars, shape: tensor.shape)
    }

    /// A float32 array.
    public init(float32 values: [Float], shape: [Int]) {
        var bytes = Data(count: values.count * 4)
        bytes.withUnsafeMutableBytes { raw in
            for (index, value) in values.enumerated() {
                raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: index * 4, as: UInt32.self)
            }
        }
        self.init(elementType: .float32, shape: shape, bytes: bytes)
    }

    /// A uint8 array.
    public init(uint8 values: [UInt8], shape: [Int]) {
        self.init(elementType: .uint8, shape: shape, bytes: Data(values))
    }

    /// An int8 array.
    public init(int8 values: [Int8], shape: [Int]) {
        self.init(elementType: .int8, shape: shape, bytes: Data(values.map { UInt8(bitPattern: $0) }))
    }
}

extension StoredArray {
    /// The values as a float32 tensor, converting 16-bit floats exactly.
    ///
    /// One pass over the bytes, with no copy per element.
    /// - Throws: `InputError` naming `source` when the elements are not floating point.
    public func tensor(source: String) throws -> Tensor {
        let values: [Float]
        switch elementType {
        case .float32:
            values = littleEndianFloat32Values()
        case .float16:
            values = mapElements(UInt16.self) { Float(float16Bits: $0) }
        case .bfloat16:
            values = widenedToFloat32()
        case .uint8, .int8:
            throw InputError(
                source, "holds \(elementType.displayName) values; expected a floating-point tensor (F32, F16 or BF16)")
        }
        return Tensor(shape: shape, scalars: values)
    }

    /// `tensor(source:)`, refused when it holds a NaN or an infinity: a weight no training
    /// produces, which would make every loss NaN without saying why.
    public func finiteTensor(source: String) throws -> Tensor {
        let tensor = try tensor(source: source)
        if let index = tensor.scalars.firstIndex(where: { !$0.isFinite }) {
            throw InputError(
                source, "holds \(NumberFormat.significant(Double(tensor.scalars[index]))) at index \(index); expected finite weights")
        }
        return tensor
    }

    /// The values of a float32 array.
    /// - Throws: `InputError` naming `source` when the array is not float32.
    public func float32Values(source: String) throws -> [Float] {
        try requireType(.float32, source: source)
        return littleEndianFloat32Values()
    }

    /// The values of a uint8 array.
    /// - Throws: `InputError` naming `source` when the array is not uint8.
    public func uint8Values(source: String) throws -> [UInt8] {
        try requireType(.uint8, source: source)
        return [UInt8](bytes)
    }

    private func requireType(_ expected: ElementType, source: String) throws {
        guard elementType == expected else {
            throw InputError(source, "has dtype \(elementType.rawValue); expected \(expected.rawValue)")
        }
    }

    /// The values of a bfloat16 array as float32, exactly.
    func widenedToFloat32() -> [Float] {
        mapElements(UInt16.self) { Float(bfloat16Bits: $0) }
    }

    /// The bytes as float32 values: one copy on a little-endian machine, where the file's layout is the memory's.
    private func littleEndianFloat32Values() -> [Float] {
        #if _endian(little)
        let count = bytes.count / 4
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { raw in UnsafeMutableRawBufferPointer(buffer).copyMemory(from: raw) }
            initialized = count
        }
        #else
        return mapElements(UInt32.self) { Float(bitPattern: $0) }
        #endif
    }

    /// Reads every element as the little-endian integer `Bits` and maps it, in one pass.
    private func mapElements<Bits: FixedWidthInteger>(_: Bits.Type, _ transform: (Bits) -> Float) -> [Float] {
        let width = MemoryLayout<Bits>.size
        let count = bytes.count / width
        return bytes.withUnsafeBytes { raw in
            [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                for index in 0..<count {
                    buffer[index] = transform(Bits(littleEndian: raw.loadUnaligned(fromByteOffset: index * width, as: Bits.self)))
                }
                initialized = count
            }
        }
    }
}

extension StoredArray {
    /// The number of bytes an array of `elementType` and `shape` takes, checked for overflow.
    ///
    /// - Throws: `InputError` naming `source` when a dimension is negative or the product overflows.
    static func byteCount(of elementType: ElementType, shape: [Int], source: String) throws -> Int {
        var total = elementType.byteCount
        for dimension in shape {
            guard dimension >= 0 else {
                throw InputError(source, "shape \(shape) has a negative dimension; expected sizes >= 0")
            }
            let (product, overflow) = total.multipliedReportingOverflow(by: dimension)
            guard !overflow else {
                throw InputError(source, "shape \(shape) of \(elementType.rawValue) overflows a byte count; expected a size that fits in memory")
            }
            total = product
        }
        return total
    }

    /// The number of elements `shape` holds, checked for overflow the same way.
    ///
    /// - Throws: `InputError` naming `source` when a dimension is negative or the product overflows.
    static func elementCount(of shape: [Int], source: String) throws -> Int {
        try byteCount(of: .uint8, shape: shape, source: source)  // one byte per element
    }
}

extension StoredArray: Sendable {}
