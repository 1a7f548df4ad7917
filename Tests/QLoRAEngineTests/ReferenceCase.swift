import Foundation
@testable import QLoRAEngine

/// One case of `Fixtures/bnb-4bit/`: a tensor and what bitsandbytes made of it.
struct ReferenceCase {
    struct Meta: Decodable {
        let quant_type: String
        let blocksize: Int
        let double_quant: Bool
        let shape: [Int]
    }

    let name: String
    let meta: Meta
    let input: Tensor
    let packed: [UInt8]
    let dequantized: [Float]
    /// Present without double quantization.
    let absmax: [Float]?
    /// Present with double quantization.
    let quantizedAbsmax: [UInt8]?
    let nestedAbsmax: [Float]?
    let nestedCode: [Float]?
    let offset: Float?

    var type: FourBitType { FourBitType(rawValue: meta.quant_type) ?? .nf4 }

    /// The names of every case folder, sorted.
    static let names: [String] = {
        guard let root = fixtureRoot,
              let names = try? FileManager.default.contentsOfDirectory(atPath: root.path)
        else { return [] }
        return names.filter { !$0.hasPrefix(".") }.sorted()
    }()

    static let fixtureRoot: URL? = Bundle.module.resourceURL?
        .appendingPathComponent("Fixtures").appendingPathComponent("bnb-4bit")

    /// Loads the case folder `name`.
    init(_ name: String) throws {
        guard let folder = Self.fixtureRoot?.appendingPathComponent(name) else {
            throw InputError(name, "fixture folder not found")
        }
        func url(_ file: String) -> URL { folder.appendingPathComponent(file) }
        func optional(_ file: String) -> URL? {
            FileManager.default.fileExists(atPath: url(file).path) ? url(file) : nil
        }
        self.name = name
        meta = try JSONDecoder().decode(Meta.self, from: Data(contentsOf: url("meta.json")))
        let inputArray = try TestNpy(url("input.npy"))
        input = Tensor(shape: inputArray.shape, scalars: try inputArray.floats())
        packed = try TestNpy(url("packed.npy")).bytes()
        dequantized = try TestNpy(url("dequant.npy")).floats()
        absmax = try optional("absmax.npy").map { try TestNpy($0).floats() }
        quantizedAbsmax = try optional("qabsmax.npy").map { try TestNpy($0).bytes() }
        nestedAbsmax = try optional("nested_absmax.npy").map { try TestNpy($0).floats() }
        nestedCode = try optional("nested_code.npy").map { try TestNpy($0).floats() }
        offset = try optional("offset.npy").map { try TestNpy($0).floats() }?.first
    }
}

/// A minimal reader for the little-endian float32 and uint8 `.npy` files of the fixtures.
struct TestNpy {
    let descriptor: String
    let shape: [Int]
    let payload: Data

    init(_ url: URL) throws {
        let data = try Data(contentsOf: url)
        let bytes = [UInt8](data)
        guard bytes.count >= 10, bytes[0] == 0x93, String(decoding: bytes[1...5], as: UTF8.self) == "NUMPY" else {
            throw InputError(url.lastPathComponent, "not a .npy file")
        }
        let major = bytes[6]
        let headerLength = major == 1
            ? Int(bytes[8]) | Int(bytes[9]) << 8
            : Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
        let headerStart = major == 1 ? 10 : 12
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        guard let descriptor = Self.field("descr", in: header, open: "'", close: "'"),
              let shapeText = Self.field("shape", in: header, open: "(", close: ")")
        else { throw InputError(url.lastPathComponent, "unreadable header \(header)") }
        guard header.contains("'fortran_order': False") else {
            throw InputError(url.lastPathComponent, "expected C order")
        }
        self.descriptor = descriptor
        shape = shapeText.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        payload = data.subdata(in: (headerStart + headerLength)..<data.count)
    }

    var count: Int { shape.reduce(1, *) }

    func floats() throws -> [Float] {
        guard descriptor == "<f4", payload.count == 4 * count else {
            throw InputError(descriptor, "expected \(count) little-endian float32 values")
        }
        return payload.withUnsafeBytes { raw in
            (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
    }

    func bytes() throws -> [UInt8] {
        guard descriptor == "|u1", payload.count == count else {
            throw InputError(descriptor, "expected \(count) uint8 values")
        }
        return [UInt8](payload)
    }

    private static func field(_ key: String, in header: String, open: Character, close: Character) -> String? {
        guard let keyRange = header.range(of: "'\(key)':") else { return nil }
        let rest = header[keyRange.upperBound...]
        guard let start = rest.firstIndex(of: open) else { return nil }
        let afterOpen = rest.index(after: start)
        guard let end = rest[afterOpen...].firstIndex(of: close) else { return nil }
        return String(rest[afterOpen..<end])
    }
}
