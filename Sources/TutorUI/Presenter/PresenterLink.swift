import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The two files through which `--projector` and `--presenter` on one machine talk, in a folder
/// under the state directory: nothing leaves the machine, and either may start first.
///
/// The projector alone writes `position.json` (atomically: a new file renamed over the old), so a
/// reader never sees half of one. Presenters append one command per line to `commands`; a line
/// shorter than the pipe buffer is written whole by one `write` with `O_APPEND`, so two presenters
/// never interleave. The projector reads the lines it has not read yet.
public final class PresenterLink {
    public let folder: URL
    var positionURL: URL { folder.appendingPathComponent("position.json") }
    var commandsURL: URL { folder.appendingPathComponent("commands") }
    /// How far the projector has read the command file.
    private var commandOffset: UInt64 = 0

    public init(folder: URL) {
        self.folder = folder
    }

    /// The folder beside the progress file's default place: `$XDG_STATE_HOME/qlora-tutor/presenter/`.
    public static func defaultFolder(progressURL: URL) -> URL {
        progressURL.deletingLastPathComponent().appendingPathComponent("presenter", isDirectory: true)
    }

    private func makeFolder() throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    // MARK: The projector's side

    /// Starts publishing: commands written before now are skipped, not replayed.
    public func openAsProjector() throws {
        try makeFolder()
        commandOffset = (try? FileManager.default.attributesOfItem(atPath: commandsURL.path)[.size] as? UInt64) ?? 0
    }

    public func publish(_ position: PresenterPosition) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(position).write(to: positionURL, options: .atomic)
    }

    /// The commands presenters have sent since the last call, in order.
    public func takeCommands() -> [PresenterCommand] {
        guard let handle = try? FileHandle(forReadingFrom: commandsURL) else { return [] }
        defer { try? handle.close() }
        guard (try? handle.seek(toOffset: commandOffset)) != nil, let data = try? handle.readToEnd(), !data.isEmpty else { return [] }
        // Only whole lines: a command still being written is read next time.
        guard let lastNewline = data.lastIndex(of: UInt8(ascii: "\n")) else { return [] }
        let whole = data[data.startIndex...lastNewline]
        commandOffset += UInt64(whole.count)
        return String(decoding: whole, as: UTF8.self).split(separator: "\n").compactMap { PresenterCommand(line: $0) }
    }

    /// The projector is gone: a presenter stops showing its position.
    public func closeAsProjector() {
        try? FileManager.default.removeItem(at: positionURL)
    }

    // MARK: The presenter's side

    /// The projector's latest position; nil when no projector is running.
    public func position() -> PresenterPosition? {
        guard let data = try? Data(contentsOf: positionURL) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let position = try? decoder.decode(PresenterPosition.self, from: data) else { return nil }
        // A projector that was killed leaves its file behind; its process tells.
        guard kill(position.processID, 0) == 0 || errno == EPERM else { return nil }
        return position
    }

    /// Sends a command to the projector.
    public func send(_ command: PresenterCommand) throws {
        try makeFolder()
        let descriptor = open(commandsURL.path, O_WRONLY | O_APPEND | O_CREAT, 0o600)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: commandsURL.path]) }
        defer { close(descriptor) }
        let bytes = Array((command.line + "\n").utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: commandsURL.path])
        }
    }
}

// The command offset is read and written only by the projector's UI loop.
extension PresenterLink: @unchecked Sendable {}
