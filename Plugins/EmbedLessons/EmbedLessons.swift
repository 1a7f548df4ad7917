import Foundation
import PackagePlugin

/// Builds the course into the binary: every `Lessons/*.md` but the guide becomes a string in
/// generated Swift source, so `qlora-tutor` finds its lessons from any folder, even when copied.
///
/// The lesson files are the command's inputs, so editing one rebuilds the source; the folder is
/// listed each time the plugin runs, so an added or removed lesson is picked up too.
@main
struct EmbedLessons: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let folder = context.package.directoryURL.appending(path: "Lessons")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let lessons = names.filter { $0.hasSuffix(".md") && $0 != "README.md" }.sorted().map { folder.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedLessons.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(lessons.count) lessons",
                executable: try context.tool(named: "embed-lessons").url,
                arguments: [output.path] + lessons.map(\.path),
                inputFiles: lessons,
                outputFiles: [output]
            )
        ]
    }
}
