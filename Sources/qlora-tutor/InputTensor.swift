import Foundation
import QLoRAEngine

/// The tensor a command works on, read from a `.npy` file or one tensor of a `.safetensors` file.
struct InputTensor {
    /// The tensor's name in a `.safetensors` file; nil for a `.npy` file, which holds one unnamed array.
    var name: String?
    /// The values, in float32.
    var tensor: Tensor
    /// The element type the file stores them in.
    var storedType: ElementType
    /// The file's path.
    var path: String

    /// How errors name the input: the path, and the tensor's name when it has one.
    var source: String { Self.source(path: path, name: name) }

    /// Reads `path`, choosing the format by the file name's extension: a dot in a folder's name, or
    /// a file named `npy` with no extension at all, does not count.
    ///
    /// - Parameter tensorName: the `--tensor` flag: which tensor of a `.safetensors` file to read;
    ///   needed only when the file holds more than one.
    init(path: String, tensorName: String?) throws {
        self.path = path
        let array: StoredArray
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "npy":
            if let tensorName {
                throw InputError("--tensor", "'\(tensorName)' given, but \(path) is a .npy file with one unnamed array; expected no --tensor")
            }
            array = try NumpyFile.read(path: path)
        case "safetensors":
            let file = try SafetensorsFile(path: path)
            let names = file.names
            guard let chosen = tensorName ?? (names.count == 1 ? names.first : nil) else {
                let listing = names.isEmpty ? "it has none" : "one of: " + SafetensorsFile.listing(names)
                throw InputError(path, "holds \(names.count) tensors; expected --tensor NAME, \(listing)")
            }
            array = try file.array(named: chosen)
            name = chosen
        default:
            throw InputError(path, "has an extension the tool does not read; expected a .npy or .safetensors file")
        }
        storedType = array.elementType
        tensor = try array.tensor(source: Self.source(path: path, name: name))
    }

    private static func source(path: String, name: String?) -> String {
        name.map { "\(path): \($0)" } ?? path
    }
}
