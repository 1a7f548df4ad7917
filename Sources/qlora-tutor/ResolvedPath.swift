import Foundation

/// The file `path` names, with `.`, `..` and symbolic links resolved: two spellings of one file
/// give the same string, so a command can tell that an output would replace one of its inputs.
func resolvedPath(_ path: String) -> String {
    URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
}
