/// Big letters for projector headings: a 3×5 pixel font drawn with half blocks, three rows tall.
///
/// Upper-case letters, digits and common punctuation; other characters draw as a blank. A heading
/// that does not fit the width is left to the caller to draw as ordinary bold text.
public enum BlockLetters {
    /// Rows of text the big letters take.
    public static let height = 3

    /// Columns `text` takes in big letters (3 per glyph and 1 between), counted after upper-casing
    /// as `rows` draws it (`ß` becomes `SS`).
    public static func width(of text: String) -> Int {
        let count = text.uppercased().count
        return count == 0 ? 0 : count * 4 - 1
    }

    /// The three text rows that spell `text` in big letters.
    public static func rows(_ text: String) -> [String] {
        var rows = [String](repeating: "", count: height)
        for (index, character) in text.uppercased().enumerated() {
            let glyph = glyphs[character] ?? glyphs[" "] ?? []
            for row in 0..<height {
                if index > 0 { rows[row] += " " }
                for column in 0..<3 {
                    let top = pixel(glyph, row * 2, column), bottom = pixel(glyph, row * 2 + 1, column)
                    rows[row] += top ? (bottom ? "█" : "▀") : (bottom ? "▄" : " ")
                }
            }
        }
        return rows
    }

    /// `text` in big letters broken at spaces into lines of at most `width` columns, a blank row
    /// between lines; nil when a word alone is too wide or it takes more than `maximumLines` lines.
    public static func wrappedRows(_ text: String, width: Int, maximumLines: Int) -> [String]? {
        var lines: [String] = []
        for word in text.split(separator: " ").map(String.init) {
            guard self.width(of: word) <= width else { return nil }
            if let last = lines.last, self.width(of: last + " " + word) <= width {
                lines[lines.count - 1] = last + " " + word
            } else {
                lines.append(word)
            }
        }
        guard !lines.isEmpty, lines.count <= maximumLines else { return nil }
        return lines.enumerated().flatMap { index, line in (index > 0 ? [""] : []) + rows(line) }
    }

    private static func pixel(_ glyph: [String], _ row: Int, _ column: Int) -> Bool {
        guard row < glyph.count else { return false }
        let line = Array(glyph[row])
        return column < line.count && line[column] == "#"
    }

    /// Five rows of three pixels per character; `#` is set.
    private static let glyphs: [Character: [String]] = [
        "A": [".#.", "#.#", "###", "#.#", "#.#"], "B": ["##.", "#.#", "##.", "#.#", "##."],
        "C": [".##", "#..", "#..", "#..", ".##"], "D": ["##.", "#.#", "#.#", "#.#", "##."],
        "E": ["###", "#..", "##.", "#..", "###"], "F": ["###", "#..", "##.", "#..", "#.."],
        "G": [".##", "#..", "#.#", "#.#", ".##"], "H": ["#.#", "#.#", "###", "#.#", "#.#"],
        "I": ["###", ".#.", ".#.", ".#.", "###"], "J": ["..#", "..#", "..#", "#.#", ".#."],
        "K": ["#.#", "#.#", "##.", "#.#", "#.#"], "L": ["#..", "#..", "#..", "#..", "###"],
        "M": ["#.#", "###", "###", "#.#", "#.#"], "N": ["##.", "#.#", "#.#", "#.#", "#.#"],
        "O": [".#.", "#.#", "#.#", "#.#", ".#."], "P": ["##.", "#.#", "##.", "#..", "#.."],
        "Q": [".#.", "#.#", "#.#", "##.", ".##"], "R": ["##.", "#.#", "##.", "#.#", "#.#"],
        "S": [".##", "#..", ".#.", "..#", "##."], "T": ["###", ".#.", ".#.", ".#.", ".#."],
        "U": ["#.#", "#.#", "#.#", "#.#", "###"], "V": ["#.#", "#.#", "#.#", "#.#", ".#."],
        "W": ["#.#", "#.#", "###", "###", "#.#"], "X": ["#.#", "#.#", ".#.", "#.#", "#.#"],
        "Y": ["#.#", "#.#", ".#.", ".#.", ".#."], "Z": ["###", "..#", ".#.", "#..", "###"],
        "0": ["###", "#.#", "#.#", "#.#", "###"], "1": [".#.", "##.", ".#.", ".#.", "###"],
        "2": ["##.", "..#", ".#.", "#..", "###"], "3": ["##.", "..#", ".#.", "..#", "##."],
        "4": ["#.#", "#.#", "###", "..#", "..#"], "5": ["###", "#..", "##.", "..#", "##."],
        "6": [".##", "#..", "###", "#.#", "###"], "7": ["###", "..#", ".#.", ".#.", ".#."],
        "8": ["###", "#.#", "###", "#.#", "###"], "9": ["###", "#.#", "###", "..#", "##."],
        " ": ["...", "...", "...", "...", "..."], "-": ["...", "...", "###", "...", "..."],
        ".": ["...", "...", "...", "...", ".#."], ",": ["...", "...", "...", ".#.", "#.."],
        ":": ["...", ".#.", "...", ".#.", "..."], "!": [".#.", ".#.", ".#.", "...", ".#."],
        "?": ["##.", "..#", ".#.", "...", ".#."], "/": ["..#", "..#", ".#.", "#..", "#.."],
        "(": [".#.", "#..", "#..", "#..", ".#."], ")": [".#.", "..#", "..#", "..#", ".#."],
        "'": [".#.", ".#.", "...", "...", "..."], "+": ["...", ".#.", "###", ".#.", "..."],
        "=": ["...", "###", "...", "###", "..."], "×": ["...", "#.#", ".#.", "#.#", "..."],
    ]
}
