/// Input the engine cannot use: a file, a flag or a value, and what was expected of it.
///
/// Every error a person can cause by what they pass in is one of these, so a front end can
/// print it as one line (`file.npy: expected ...`) and exit with status 2 instead of trapping.
public struct InputError: Error, Equatable {
    /// What was wrong: a file path (with `:line` where there is one), a flag such as `--blocksize`,
    /// or a value's name.
    public var source: String
    /// What was expected there, phrased to follow the source and a colon.
    public var message: String

    /// Creates an error about `source`.
    public init(_ source: String, _ message: String) {
        self.source = source
        self.message = message
    }
}

extension InputError: CustomStringConvertible {
    /// The one line a person sees: `source: message`.
    public var description: String { "\(source): \(message)" }
}

extension InputError: Sendable {}
