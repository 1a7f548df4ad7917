import FuzzDriver
import Foundation
import QLoRAEngine

/// Any bytes as a `.npy` file: a stored array or one `InputError`, never a trap.
@main
enum FuzzNumpy {
    static func main() {
        FuzzDriver.run { input in
            let bytes = Data(buffer: input)
            if let array = try? NumpyFile.decode(bytes, source: "fuzz.npy") {
                _ = try? array.float32Values(source: "fuzz")
        }
        }
    }
}
