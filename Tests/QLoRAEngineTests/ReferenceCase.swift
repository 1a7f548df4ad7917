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
        func floats(_ url: URL) throws -> [Float] { try NumpyFile.read(path: url.path).float32Values(source: url.path) }
        func bytes(_ url: URL) throws -> [UInt8] { try NumpyFile.read(path: url.path).uint8Values(source: url.path) }
        input = try NumpyFile.read(path: url("input.npy").path).tensor(source: name)
        packed = try bytes(url("packed.npy"))
        dequantized = try floats(url("dequant.npy"))
        absmax = try optional("absmax.npy").map(floats)
        quantizedAbsmax = try optional("qabsmax.npy").map(bytes)
        nestedAbsmax = try optional("nested_absmax.npy").map(floats)
        nestedCode = try optional("nested_code.npy").map(floats)
        offset = try optional("offset.npy").map(floats)?.first
    }
}
