import Foundation
import QLoRAEngine

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads and writes one learner's progress file, so that no answer is ever silently lost.
///
/// Saving writes a temporary file in the same folder, flushes it to disk and renames it over the
/// old file, so a crash leaves either the old file or the new one, never half of one. A file that
/// cannot be read is moved aside as `<name>.corrupt-<timestamp>` and reported, not overwritten.
public struct ProgressStore {
    /// The progress file.
    public var url: URL

    public init(url: URL) {
        self.url = url
    }

    /// `$XDG_STATE_HOME/qlora-tutor/progress.json`, or `~/.local/state/qlora-tutor/progress.json`.
    public static func defaultURL(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        let stateHome: URL
        if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") {
            stateHome = URL(fileURLWithPath: xdg, isDirectory: true)
        } else {
            let home = environment["HOME"].map { URL(fileURLWithPath: $0, isDirectory: true) }
                ?? FileManager.default.homeDirectoryForCurrentUser
            stateHome = home.appendingPathComponent(".local/state", isDirectory: true)
        }
        return stateHome.appendingPathComponent("qlora-tutor/progress.json")
    }

    /// What `load()` found.
    public enum LoadResult: Equatable, Sendable {
        /// No progress file yet: a new learner.
        case missing
        /// The learner's progress.
        case loaded(LearnerProgress)
        /// The file could not be read; it was moved to `movedTo` so nothing is lost. `reason` says why.
        case setAside(movedTo: URL, reason: String)
    }

    /// Reads the progress file, moving it aside if it is corrupt.
    ///
    /// A path that is a folder, a pipe or a device, or a file over `LearnerProgress.maximumBytes`,
    /// is an error that leaves it where it is.
    public func load() throws -> LoadResult {
        var status = stat()
        guard stat(url.path, &status) == 0 || errno != ENOENT else { return .missing }
        let data = try FileContents.read(url.path, maximumBytes: LearnerProgress.maximumBytes, expected: "a progress file")
        do {
            return .loaded(try Self.decode(data, source: url.path))
        } catch let error as InputError {
            let stamp = Self.timestampFormatter.string(from: Date())
            let aside = URL(fileURLWithPath: url.path + ".corrupt-" + stamp)
            do {
                try FileManager.default.moveItem(at: url, to: aside)
            } catch {
                throw InputError(url.path, "\(error.localizedDescription); could not move the unreadable file aside")
            }
            return .setAside(movedTo: aside, reason: error.message)
        }
    }

    /// Writes `progress` atomically: temporary file, flush, rename.
    public func save(_ progress: LearnerProgress) throws {
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw InputError(folder.path, "cannot create the progress folder: \(error.localizedDescription)")
        }
        let data = try Self.encode(progress)
        removeStaleTemporaryFiles()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent)\(Self.temporarySuffix)\(getpid())")
        try Self.writeAndFlush(data, to: temporary.path)
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw InputError(url.path, "cannot replace the progress file: \(reason)")
        }
        // Flush the folder too, so the rename itself survives a power cut.
        let folderDescriptor = open(folder.path, O_RDONLY)
        if folderDescriptor >= 0 {
            fsync(folderDescriptor)
            close(folderDescriptor)
        }
    }

    /// What follows `.<name>` in a temporary file's name, before the saving process's id.
    private static let temporarySuffix = ".tmp-"

    /// Removes the temporary files that saves killed part way left behind, as `.<name>.tmp-<pid>`
    /// where no process `<pid>` runs any more (a live one may be saving right now).
    private func removeStaleTemporaryFiles() {
        let folder = url.deletingLastPathComponent()
        let prefix = ".\(url.lastPathComponent)\(Self.temporarySuffix)"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for name in names where name.hasPrefix(prefix) {
            guard let pid = pid_t(name.dropFirst(prefix.count)), pid > 0 else { continue }
            if pid == getpid() || (kill(pid, 0) != 0 && errno == ESRCH) {
                unlink(folder.appendingPathComponent(name).path)
            }
        }
    }

    /// The JSON text of a progress file: keys sorted, dates in ISO 8601, so files diff well.
    public static func encode(_ progress: LearnerProgress) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(progress)
    }

    /// Reads a progress file's JSON; `source` names the file in the error.
    public static func decode(_ data: Data, source: String) throws -> LearnerProgress {
        guard data.count <= LearnerProgress.maximumBytes else {
            throw InputError(source, "is \(data.count) bytes; expected a progress file of at most \(LearnerProgress.maximumBytes) bytes")
        }
        if let problem = JSONShape(data).problem {
            throw InputError(source, "not a qlora-tutor progress file: it \(problem.message)")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom(Self.decodeDate)
        do {
            return try decoder.decode(LearnerProgress.self, from: data)
        } catch let error as DecodingError {
            throw InputError(source, "not a qlora-tutor progress file (version \(LearnerProgress.version)): \(describe(error, in: data))")
        } catch {
            throw InputError(source, "not a qlora-tutor progress file: \(error.localizedDescription)")
        }
    }

    /// A date exactly as `encode` writes it, such as `2027-01-15T08:00:00Z`. A looser form (which
    /// the ISO 8601 parser takes) would not survive a save unchanged.
    private static func decodeDate(_ decoder: any Decoder) throws -> Date {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = try? Date(text, strategy: .iso8601), date.formatted(.iso8601) == text else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a date such as 2027-01-15T08:00:00Z")
        }
        return date
    }

    /// How a message names the JSON a field of `type` holds.
    private static func kind(of type: Any.Type) -> String {
        switch type {
        case is String.Type, is Date.Type: "a string"
        case is Int.Type: "a whole number"
        case is Bool.Type: "true or false"
        case is Double.Type, is Float.Type: "a number"
        default: String(describing: type).hasPrefix("Array") ? "an array" : "an object"
        }
    }

    private static func describe(_ error: DecodingError, in data: Data) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
            return keys.isEmpty ? "" : " at " + keys.joined(separator: ".")
        }
        switch error {
        case .dataCorrupted(let context):
            guard context.codingPath.isEmpty else { return context.debugDescription + path(context) }
            // Well-formed JSON fails here with no path when a number does not fit its field (a step of 1.5 or 10^20).
            return (try? JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)) == nil
                ? "the JSON is malformed or truncated" : "a number does not fit its field; expected whole numbers of at most 64 bits"
        case .keyNotFound(let key, let context):
            return "missing key \"\(key.stringValue)\"" + path(context)
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return "expected \(kind(of: type))" + path(context)
        @unknown default:
            return "unreadable"
        }
    }

    private static func writeAndFlush(_ data: Data, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else {
            throw InputError(path, "cannot write: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var written = 0
        let failure: Int32? = data.withUnsafeBytes { buffer -> Int32? in
            guard let base = buffer.baseAddress else { return nil }
            while written < buffer.count {
                let count = write(descriptor, base + written, buffer.count - written)
                if count < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += count
            }
            return nil
        }
        if let failure {
            unlink(path)
            throw InputError(path, "cannot write: \(String(cString: strerror(failure)))")
        }
        guard fsync(descriptor) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(path)
            throw InputError(path, "cannot flush to disk: \(reason)")
        }
    }

    private static let timestampFormatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter
    }()
}

extension ProgressStore: Sendable {}
