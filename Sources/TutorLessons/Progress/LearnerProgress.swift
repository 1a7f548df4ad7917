import Foundation

/// One learner's progress through the course: the progress file the tutor keeps and `--check --answers` grades.
///
/// Stored as versioned JSON (`"format": "qlora-tutor-progress", "version": 1`, described in
/// `Lessons/README.md`). The verdict stored with each answer is only what the tutor showed the
/// learner; the grader judges every answer again and never trusts it.
public struct LearnerProgress: Equatable {
    /// The value of the file's `format` key.
    public static let format = "qlora-tutor-progress"
    /// The newest version this build reads and the one it writes.
    public static let version = 1
    /// The largest progress file read (1 MiB): hundreds of times a whole course's answers, and
    /// small enough that reading a hostile file costs little memory.
    public static let maximumBytes = 1 << 20

    /// The learner's name, as they gave it (or the login name).
    public var learner: String
    /// When the file was first written.
    public var created: Date
    /// When the file was last written.
    public var updated: Date
    /// Progress per lesson, by lesson id.
    public var lessons: [String: LessonProgress]

    public init(learner: String, created: Date = Date(), updated: Date? = nil, lessons: [String: LessonProgress] = [:]) {
        self.learner = learner
        self.created = created
        self.updated = updated ?? created
        self.lessons = lessons
    }
}

extension LearnerProgress: Codable {
    private enum CodingKeys: String, CodingKey {
        case format, version, learner, created, updated, lessons
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let format = try container.decode(String.self, forKey: .format)
        guard format == Self.format else {
            throw DecodingError.dataCorruptedError(
                forKey: .format, in: container, debugDescription: "expected \"\(Self.format)\", found \"\(format)\"")
        }
        let version = try container.decode(Int.self, forKey: .version)
        guard version == Self.version else {
            throw DecodingError.dataCorruptedError(
                forKey: .version, in: container, debugDescription: "expected version \(Self.version), found \(version)")
        }
        learner = try container.decode(String.self, forKey: .learner)
        created = try container.decode(Date.self, forKey: .created)
        updated = try container.decode(Date.self, forKey: .updated)
        lessons = try container.decode([String: LessonProgress].self, forKey: .lessons)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.format, forKey: .format)
        try container.encode(Self.version, forKey: .version)
        try container.encode(learner, forKey: .learner)
        try container.encode(created, forKey: .created)
        try container.encode(updated, forKey: .updated)
        try container.encode(lessons, forKey: .lessons)
    }
}

extension LearnerProgress: Sendable {}
