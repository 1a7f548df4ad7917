extension Unicode.Scalar {
    /// Whether the scalar is a C0 or C1 control character or DEL: bytes a terminal may act on
    /// (move the cursor, retitle the window, ring the bell) instead of showing.
    public var isControlCharacter: Bool {
        value < 0x20 || (0x7F...0x9F).contains(value)
    }

    /// The scalar's code point as Unicode writes it, such as `U+001B`.
    public var codePointName: String {
        let hex = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}

extension String {
    /// The string with every control character written out as an escape (`\n`, `\t`, `\e`,
    /// `\x07`, `\u{9B}`), so text that came from a file shows on a terminal as what it is and
    /// stays on one line. Everything else, backslashes included, is unchanged.
    public var escapingControlCharacters: String {
        guard unicodeScalars.contains(where: \.isControlCharacter) else { return self }
        var escaped = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            guard scalar.isControlCharacter else {
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
