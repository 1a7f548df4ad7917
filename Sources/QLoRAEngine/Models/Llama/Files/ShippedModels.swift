import Foundation

/// The models the course ships in `Lessons/models/`, found from any working folder.
///
/// A model is a few megabytes of weights: too large to embed in the binary as the lessons' text
/// is, so it stays a folder of the package and is found by path. `QLORA_TUTOR_MODELS` names another
/// folder holding the same model folders (for a binary installed away from its sources); otherwise
/// the package's own `Lessons/models/`, located from where this file was compiled.
public enum ShippedModels {
    /// The base model pretrained on the project's Swift sources (`Lessons/models/README.md`).
    public static let codeBase = "tiny-llama-code"

    /// The environment variable that overrides the folder.
    public static let environmentVariable = "QLORA_TUTOR_MODELS"

    /// The folder holding the shipped models.
    public static var folder: URL {
        if let override = ProcessInfo.processInfo.environment[environmentVariable], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        // This file is Sources/QLoRAEngine/Models/Llama/Files/ShippedModels.swift: six levels below the package.
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<6 { root.deleteLastPathComponent() }
        return root.appendingPathComponent("Lessons").appendingPathComponent("models")
    }

    /// The folder of the shipped model `name`.
    ///
    /// - Throws: `InputError` when it is not there, saying where it was looked for.
    public static func path(of name: String) throws -> String {
        let path = folder.appendingPathComponent(name).path
        guard FileManager.default.fileExists(atPath: LlamaModel.path(path, LlamaModel.configFileName)) else {
            throw InputError(path, "has no model; expected the course's \(name) here, or \(environmentVariable) naming the folder that holds it")
        }
        return path
    }
}
