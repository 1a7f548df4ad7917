import Foundation
import QLoRAEngine

/// Checks and summaries the training commands share.
enum LMTrainingFlags {
    static func validate(steps: Int, batch: Int, lr: Float) throws {
        guard steps >= 1 else { throw InputError("--steps", "expected a positive integer, got \(steps)") }
        guard steps <= 1_000_000 else { throw InputError("--steps", "expected at most 1000000 steps, got \(steps)") }
        guard batch >= 1, batch <= ModelArchitecture.widthLimit else {
            throw InputError("--batch", "expected 1 to \(ModelArchitecture.widthLimit) windows, got \(batch)")
        }
        guard lr.isFinite, lr > 0 else { throw InputError("--lr", "expected a positive learning rate, got \(lr)") }
    }

    /// Refuses, before any work, an `--out` that is empty or a file, or a folder whose files would
    /// replace one of `inputs` (the data, the held-out text, the model being fine-tuned): a run
    /// must never destroy what it reads.
    static func checkOut(_ out: String, isNoneOf inputs: [String?]) throws {
        guard !out.isEmpty else { throw InputError("--out", "expected a folder path, got an empty one") }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: out, isDirectory: &isFolder), !isFolder.boolValue {
            throw InputError("--out \(out)", "is a file; expected a folder to write into")
        }
        let folder = resolvedPath(out)
        let written = [LlamaModel.configFileName, LlamaModel.weightsFileName, PeftAdapter.configFileName, PeftAdapter.weightsFileName]
            .map { resolvedPath(URL(fileURLWithPath: out).appendingPathComponent($0).path) }
        for input in inputs.compactMap({ $0 }) where resolvedPath(input) == folder || written.contains(resolvedPath(input)) {
            throw InputError("--out \(out)", "would overwrite \(input), which this run reads; expected another folder")
        }
    }

    /// Makes the folder `out` (so a path that cannot be written is refused before training), runs
    /// the training in `body`, and ends `progress`; when training fails, the folder goes again if
    /// this run made it, and a diverged loss is blamed on `--lr`.
    static func training(into out: String, progress: LMProgress, _ body: () throws -> [Float]) throws -> [Float] {
        let existed = FileManager.default.fileExists(atPath: out)
        try LlamaModel.makeFolder(out)
        defer { progress.finish() }
        do {
            return try naming(["lr": "--lr"], body)
        } catch {
            if !existed { try? FileManager.default.removeItem(atPath: out) }
            throw error
        }
    }

    /// Runs `body`, naming the flags in `flags` (by an engine error's source) in its `InputError`.
    static func naming<T>(_ flags: [String: String], _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as InputError {
            guard let names = flags[error.source] else { throw error }
            throw InputError(names, error.message)
        }
    }

    /// What a training run did, in a few lines.
    static func summary(_ headline: String, losses: [Float], heldOutLoss: Double?, out: String) -> String {
        let last = losses.suffix(10)
        var lines = [
            headline,
            "training loss: first step \(String(format: "%.4f", losses.first ?? 0)), mean of the last \(last.count) \(String(format: "%.4f", last.reduce(0, +) / Float(max(1, last.count))))",
        ]
        if let heldOutLoss { lines.append("held-out loss \(String(format: "%.4f", heldOutLoss)) nats per byte") }
        lines.append("wrote \(out)")
        return lines.joined(separator: "\n")
    }
}
