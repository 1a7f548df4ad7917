import Foundation
import QLoRAEngine

/// The lessons in course order, read from the files built into the binary or from a folder.
public struct Course: Equatable {
    public var lessons: [Lesson]

    public init(lessons: [Lesson]) {
        self.lessons = lessons
    }

    /// One lesson file before parsing.
    public struct File: Equatable, Sendable {
        /// The file name, such as `01-min-max-quantizer.md`; its stem is the lesson id.
        public var name: String
        /// The path errors name: `Lessons/<name>` for the built-in course, the real path otherwise.
        public var path: String
        public var text: String
        /// Why the file could not be read as a lesson (then `text` is empty); nil when it was read.
        public var unreadable: InputError?

        public init(name: String, path: String, text: String, unreadable: InputError? = nil) {
            self.name = name
            self.path = path
            self.text = text
            self.unreadable = unreadable
        }

        /// The lesson id: the file name without `.md`.
        public var lessonID: String { name.hasSuffix(".md") ? String(name.dropLast(3)) : name }
    }

    /// The course built into the binary.
    public static var builtInFiles: [File] {
        EmbeddedLessons.files.map { File(name: $0.name, path: "Lessons/\($0.name)", text: $0.text) }
    }

    /// The lesson files of a teacher's folder: every `*.md` in it except the guide `README.md`,
    /// sorted by name. Only that folder is read, never its subfolders, and nothing outside it: a
    /// file that cannot be a lesson (a folder, a FIFO, a link that leaves the folder, a file too
    /// large or not UTF-8) is kept with the reason, so a check reports it and goes on.
    public static func files(inFolder folder: String) throws -> [File] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw InputError("--lessons \(folder)", "expected a folder of lesson files")
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw InputError(folder, "cannot list the folder: \(error.localizedDescription)")
        }
        let lessonNames = names.filter { $0.hasSuffix(".md") && $0 != "README.md" }.sorted()
        guard !lessonNames.isEmpty else { throw InputError(folder, "expected lesson files (*.md) in the folder, found none") }
        let reader = LessonFileReader(folder: folder)
        return lessonNames.map { name in
            let path = (folder as NSString).appendingPathComponent(name)
            do throws(InputError) {
                return File(name: name, path: path, text: try reader.read(path))
            } catch {
                return File(name: name, path: path, text: "", unreadable: error)
            }
        }
    }

    /// The lesson files of `folder`, or the built-in course when it is nil.
    public static func files(folder: String?) throws -> [File] {
        try folder.map { try files(inFolder: $0) } ?? builtInFiles
    }

    /// Parses every file, stopping at the first mistake.
    public static func load(_ files: [File], parser: LessonParser = LessonParser()) throws -> Course {
        Course(lessons: try files.map { try parser.parse($0) })
    }

    /// The lesson a person names on the command line: its id, or a unique prefix of it such as `01`.
    public func lesson(named name: String) throws -> Lesson {
        if let exact = lessons.first(where: { $0.id == name }) { return exact }
        let matches = lessons.filter { $0.id.hasPrefix(name) }
        guard matches.count == 1, let match = matches.first else {
            let ids = lessons.map(\.id).joined(separator: ", ")
            let problem = matches.isEmpty ? "no lesson is called `\(name)`" : "`\(name)` could be \(matches.map(\.id).joined(separator: " or "))"
            throw InputError(name, "\(problem); expected one of \(ids)")
        }
        return match
    }
}

extension Course: Sendable {}
