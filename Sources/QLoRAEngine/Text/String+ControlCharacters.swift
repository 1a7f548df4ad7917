extension Unicode.Scalar {
    /// Whether the scalar is a C0 or C1 control character or DEL: bytes a terminal may act on
    /// (move the cursor, retitle the window, ring the bell) instead of showing.
    public var isControlCharacter: Bool {
        value < 0x20 || (0x7F...0x9F).contains(value)
    }

    /// Whether the scalar opens or closes a bidirectional embedding, override or isolate
    /// (U+202A to U+202E, U+2066 to U+2069): characters that reorder how the rest of a line
    /// shows, so that what a terminal displays is not what the text says.
    public var isBidirectionalFormatting: Bool {
        (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value)
    }

    /// The scalar's code point as Unicode writes it, such as `U+001B`.
    public var codePointName: String {
        let hex = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}

extension String {
    /// The string with every control character, and every bidirectional embedding, override or
    /// isolate, written out as an escape (`\n`, `\t`, `\e`, `\x07`, `\u{9B}`, `\u{202E}`), so
    /// text that came from a file shows on a terminal as what it is and stays on one line.
    /// Everything else, backslashes included, is unchanged.
    public var escapingControlCharacters: String { escapingControlCharacters(except: []) }

    /// `escapingControlCharacters` but for the control characters in `kept`: for text that may
    /// run over several lines (`["\n", "\t"]`) but must not drive the terminal.
    public func escapingControlCharacters(except kept: Set<Unicode.Scalar>) -> String {
        func escapes(_ scalar: Unicode.Scalar) -> Bool {
            (scalar.isControlCharacter || scalar.isBidirectionalFormatting) && !kept.contains(scalar)
        }
        guard unicodeScalars.contains(where: escapes) else { return self }
        var escaped = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            guard escapes(scalar) else {
                escaped.append(scalar)
                continue
            }
            let text: String
            switch scalar {
            case "\n": text = "\\n"
            case "\r": text = "\\r"
            case "\t": text = "\\t"
            case "\u{1B}": text = "\\e"
            default:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                text = scalar.value < 0x80 ? "\\x" + (hex.count == 1 ? "0" : "") + hex : "\\u{\(hex)}"
            }
            escaped.append(contentsOf: text.unicodeScalars)
        }
        return String(escaped)
    }
}

extension String {
    /// The bytes as UTF-8 text, each byte that is not part of a well-formed character written as
    /// `\xNN`: what a byte-level model wrote, shown byte for byte instead of as U+FFFD.
    public init(escapingInvalidUTF8 bytes: [UInt8]) {
        var text = ""
        var start = 0
        while start < bytes.count {
            let length = Self.wellFormedSequenceLength(in: bytes, at: start)
            if length > 0 {
                text += String(decoding: bytes[start..<start + length], as: UTF8.self)
                start += length
            } else {
                let hex = String(bytes[start], radix: 16, uppercase: true)
                text += "\\x" + (hex.count == 1 ? "0" : "") + hex
                start += 1
            }
        }
        self = text
    }

    /// The length of the well-formed UTF-8 sequence starting at `start` (Unicode's table 3-7),
    /// or 0 when none starts there.
    private static func wellFormedSequenceLength(in bytes: [UInt8], at start: Int) -> Int {
        let lead = bytes[start]
        let (length, second): (Int, ClosedRange<UInt8>) = switch lead {
        case 0x00...0x7F: (1, 0x80...0xBF)
        case 0xC2...0xDF: (2, 0x80...0xBF)
        case 0xE0: (3, 0xA0...0xBF)
        case 0xED: (3, 0x80...0x9F)
        case 0xE1...0xEF: (3, 0x80...0xBF)
        case 0xF0: (4, 0x90...0xBF)
        case 0xF4: (4, 0x80...0x8F)
        case 0xF1...0xF3: (4, 0x80...0xBF)
        default: (0, 0x80...0xBF)
        }
        guard length > 1 else { return length }
        guard start + length <= bytes.count, second.contains(bytes[start + 1]) else { return 0 }
        return bytes[start + 2..<start + length].allSatisfy { (0x80...0xBF).contains($0) } ? length : 0
    }
}
