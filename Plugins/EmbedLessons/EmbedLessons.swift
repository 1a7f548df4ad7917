import Foundation
import PackagePlugin

/// Builds the course into the binary: every `Lessons/*.md` but the guide becomes a string in
/// generated Swift source, so `qlora-tutor` finds its lessons from any folder, even when copied.
///
/// The tool lists the folder itself each time it runs. Its inputs are the folder (whose time stamp
/// changes when a lesson is added or removed) and every lesson file (for edits), so either change
/// regenerates the source; an edit of the guide `README.md`, which is not embedded, does not.
@main
struct EmbedLessons: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let folder = context.package.directoryURL.appending(path: "Lessons")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let lessons = names.filter { $0.hasSuffix(".md") && $0 != "README.md" }.sorted().map { folder.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedLessons.swift")
        return [
            .buildCommand(
                displayName: "Embedding the lessons in \(folder.lastPathComponent)",
                executable: try context.tool(named: "embed-lessons").url,
                arguments: [output.path, folder.path],
                inputFiles: [folder] + lessons,
                outputFiles: [output]
            )
        ]
    }
}
