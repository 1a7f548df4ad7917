import FuzzDriver
import TutorLessons

/// One parser for every input: building the section registry is not what is being fuzzed.
private let parser = LessonParser()

/// Any bytes as the YAML of a live block (first byte even) or a quiz (odd) inside a valid lesson.
@main
enum FuzzLessonBlock {
    static func main() {
        FuzzDriver.run { input in
                        let kind = (input.first ?? 0) % 2 == 0 ? "qlora" : "qlora-quiz"
            let yaml = String(decoding: input.dropFirst(), as: UTF8.self)
            let lesson = """
                ---
                title: Fuzz
                section: quantizer
                ---

                ## A step

                ```qlora
                id: base
                run: quantize
                matrix: {rows: 4, cols: 8, init: normal, std: 0.02, seed: 1}
                type: nf4
                blocksize: 8
                ```

                ```\(kind)
                \(yaml)
                ```

                """
            _ = try? parser.parse(lesson, id: "fuzz", sourcePath: "fuzz.md")
        }
    }
}
