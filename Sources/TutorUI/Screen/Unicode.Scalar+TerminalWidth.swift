extension Unicode.Scalar {
    /// Columns this scalar takes in a terminal: 0 for combining marks and joiners, 2 for wide
    /// East Asian characters and emoji, 1 otherwise.
    ///
    /// A table of ranges rather than `wcwidth`, so the answer does not depend on the locale and
    /// widget tests see what a UTF-8 terminal shows.
    var terminalWidth: Int {
        let v = value
        if v == 0x200B || v == 0x200C || v == 0x200D || (0xFE00...0xFE0F).contains(v) { return 0 }
        switch properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control: return 0
        default: break
        }
        if (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1F64F).contains(v) || (0x1F900...0x1F9FF).contains(v)
            || (0x20000...0x3FFFD).contains(v)
        {
            return 2
        }
        return 1
    }
}

extension String {
    /// Columns this text takes in a terminal.
    var terminalWidth: Int { unicodeScalars.reduce(0) { $0 + $1.terminalWidth } }
}
