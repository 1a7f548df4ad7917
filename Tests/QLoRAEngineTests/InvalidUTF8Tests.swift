import Testing
import QLoRAEngine

@Suite struct InvalidUTF8Tests {
    /// Well-formed characters stay as they are; a byte that starts or ends no character (a lone
    /// continuation, a lead cut short, an overlong or surrogate form, past U+10FFFF) shows as \xNN.
    @Test(arguments: [
        ([0x61, 0x62], "ab"),
        ([0xC3, 0xA9], "é"),
        ([0xE2, 0x82, 0xAC, 0x21], "€!"),
        ([0xF0, 0x9F, 0x98, 0x80], "😀"),
        ([0x61, 0xE3, 0x62], "a\\xE3b"),
        ([0x80], "\\x80"),
        ([0xC0, 0xAF], "\\xC0\\xAF"),
        ([0xED, 0xA0, 0x80], "\\xED\\xA0\\x80"),
        ([0xF4, 0x90, 0x80, 0x80], "\\xF4\\x90\\x80\\x80"),
        ([0xE2, 0x82], "\\xE2\\x82"),
        ([0x0A], "\n"),
    ] as [([UInt8], String)])
    func invalidBytesShowAsEscapes(bytes: [UInt8], expected: String) {
        #expect(String(escapingInvalidUTF8: bytes) == expected)
    }

    /// Control characters and bidirectional overrides come out as escapes; kept ones and
    /// everything else, right-to-left letters included, as they are.
    @Test(arguments: [
        ("a\u{1B}[2Jb", [], "a\\e[2Jb"),
        ("line\nnext\tcell", [], "line\\nnext\\tcell"),
        ("line\nnext\tcell", ["\n", "\t"], "line\nnext\tcell"),
        ("abc\u{202E}fed", [], "abc\\u{202E}fed"),
        ("x\u{2066}y\u{2069}", ["\n"], "x\\u{2066}y\\u{2069}"),
        ("שלום", [], "שלום"),
    ] as [(String, Set<Unicode.Scalar>, String)])
    func controlsAndOverridesShowAsEscapes(text: String, kept: Set<Unicode.Scalar>, expected: String) {
        #expect(text.escapingControlCharacters(except: kept) == expected)
    }
}
