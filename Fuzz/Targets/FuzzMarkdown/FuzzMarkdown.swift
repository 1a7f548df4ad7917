import FuzzDriver
import TutorLessons

/// Any bytes as the Markdown body of a lesson: parsing must end, quickly, with blocks or an error.
@main
enum FuzzMarkdown {
    static func main() {
        FuzzDriver.run { input in
            let text = String(decoding: input, as: UTF8.self)
            _ = try? MarkdownParser(source: "fuzz.md").parse(text)
        }
    }
}
