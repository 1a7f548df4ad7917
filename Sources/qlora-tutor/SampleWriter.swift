import Foundation
import QLoRAEngine

/// Writes a sample to standard output while it is drawn, a line (or about 64 bytes) at a time,
/// with bytes that are not UTF-8 as `\\xNN` and control characters other than newline and tab
/// escaped.
struct SampleWriter {
    private var pending: [UInt8] = []

    mutating func append(_ byte: UInt8) {
        pending.append(byte)
        guard byte == 0x0A || pending.count >= 64 else { return }
        let cut = Self.completeLength(of: pending)
        let text = String(escapingInvalidUTF8: Array(pending[..<cut])).escapingControlCharacters(except: ["\n", "\t"])
        FileHandle.standardOutput.write(Data(text.utf8))
        pending.removeFirst(cut)
    }

    /// How many leading bytes can be written without cutting a UTF-8 character in two: all but a
    /// last lead byte (or one with its first continuation bytes) whose character may still come.
    static func completeLength(of bytes: [UInt8]) -> Int {
        // A character is at most 4 bytes: look at the last three for a lead byte still waiting.
        for back in 1...min(3, bytes.count) {
            let byte = bytes[bytes.count - back]
            guard byte & 0xC0 == 0x80 else {
                let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
                return length > back ? bytes.count - back : bytes.count
            }
        }
        return bytes.count
    }
}
