import FuzzDriver
import TutorLessons

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
            _ = try? LessonParser().parse(lesson, id: "fuzz", sourcePath: "fuzz.md")
        }
    }
}
