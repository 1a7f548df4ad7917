import Foundation
import LibFuzzer

/// Runs libFuzzer over one fuzz target's body, with libFuzzer's command-line flags.
///
/// SwiftPM gives every executable its own `main`, so the targets hand libFuzzer their body
/// through `LLVMFuzzerRunDriver` rather than defining `LLVMFuzzerTestOneInput`.
public enum FuzzDriver {
    /// The body of the running target; set once, before libFuzzer starts.
    nonisolated(unsafe) private static var body: (UnsafeBufferPointer<UInt8>) -> Void = { _ in }

    /// Calls `body` with every input libFuzzer makes, then exits with libFuzzer's status.
    public static func run(_ body: @escaping (UnsafeBufferPointer<UInt8>) -> Void) -> Never {
        Self.body = body
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        let status = LLVMFuzzerRunDriver(&argc, &argv) { data, count in
            FuzzDriver.body(UnsafeBufferPointer(start: data, count: count))
            return 0
        }
        exit(status)
    }
}
