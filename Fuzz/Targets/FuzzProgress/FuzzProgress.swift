import FuzzDriver
import Foundation
import TutorLessons

/// Any bytes as a learner's progress file: read, written back and read again, or one `InputError`.
@main
enum FuzzProgress {
    static func main() {
        FuzzDriver.run { input in
            let bytes = Data(buffer: input)
            guard let progress = try? ProgressStore.decode(bytes, source: "fuzz.json") else { return }
            guard let written = try? ProgressStore.encode(progress),
                  let reread = try? ProgressStore.decode(written, source: "fuzz.json"), reread == progress
            else { fatalError("a progress file read back differently after a save") }
        }
    }
}
