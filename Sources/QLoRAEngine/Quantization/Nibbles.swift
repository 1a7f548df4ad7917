/// Two 4-bit codes to a byte and back, in bitsandbytes' order: element 2k in the high nibble.
enum Nibbles {
    /// Packs codes 0...15 two to a byte, `codes[2k] << 4 | codes[2k + 1]`.
    ///
    /// An odd count is padded with `padding`; for the 4-bit data types that is the code of 0.0
    /// (7 for NF4, 0 for FP4), the code bitsandbytes gives the zero it pads with.
    static func pack(_ codes: [UInt8], padding: UInt8 = 0) -> [UInt8] {
        var packed = [UInt8](repeating: 0, count: codes.count.dividedRoundingUp(by: 2))
        for index in packed.indices {
            let high = codes[2 * index] & 0x0F
            let low = 2 * index + 1 < codes.count ? codes[2 * index + 1] & 0x0F : padding & 0x0F
            packed[index] = high << 4 | low
        }
        return packed
    }

    /// Unpacks the first `count` codes from bytes packed by `pack`.
    ///
    /// - Precondition: `bytes` holds at least `count` nibbles.
    static func unpack(_ bytes: [UInt8], count: Int) -> [UInt8] {
        precondition(count <= 2 * bytes.count, "\(bytes.count) bytes hold fewer than \(count) codes")
        return (0..<count).map { index in
            let byte = bytes[index / 2]
            return index.isMultiple(of: 2) ? byte >> 4 : byte & 0x0F
        }
    }
}
