import FuzzDriver
import Foundation
import QLoRAEngine

/// Any bytes as a `.safetensors` file: its tensors or one `InputError`, never a trap.
@main
enum FuzzSafetensors {
    static func main() {
        FuzzDriver.run { input in
            let bytes = Data(buffer: input)
            guard let file = try? SafetensorsFile(decoding: bytes, source: "fuzz.safetensors") else { return }
            for name in file.names.prefix(8) {
                if let array = try? file.array(named: name) { _ = try? array.float32Values(source: "fuzz") }
        }
        _ = try? file.entry(named: "no such tensor")
        }
    }
}
