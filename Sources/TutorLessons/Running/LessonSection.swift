import QLoRAEngine

/// An engine section a live block can run: the parameters it takes, what it shows, what it measures.
///
/// A section states its outputs and results once, as the types `OutputKey` and `ResultKey`, and its
/// `run` fills a `SectionRun` keyed by them, so it can only produce what it declared. It maps
/// parameters to engine calls and engine results to outputs; the science lives in `QLoRAEngine`.
///
/// Sections are registered in a `SectionRegistry`; adding one there is all a new kind of live block needs.
/// A section must be deterministic: the same parameters give the same results, bit for bit, and the
/// same outputs, save a timing an output presents as measured on this machine (`train`'s `speed`).
public protocol LessonSection: Sendable {
    /// The outputs a block may `show`.
    associatedtype OutputKey: SectionOutputKey
    /// The numbers the section produces, measured or given.
    associatedtype ResultKey: SectionResultKey

    /// The name a block gives in `run:`.
    var name: String { get }
    /// One line for the authoring guide.
    var summary: String { get }
    /// Every parameter the section takes.
    var parameters: [ParameterSpec] { get }

    /// The results a run with `parameters` produces when asked for everything; by default every
    /// declared result. A section whose results depend on its parameters (the methods `train` runs)
    /// says which here.
    func declaredResults(for parameters: ParameterValues) throws -> Set<ResultKey>

    /// Runs the section on a full, valid parameter set, computing at least what `request` asks for,
    /// handing `progress` what it can show so far, and checking `isCancelled` between units of work
    /// (throwing `CancellationError` once it turns true).
    ///
    /// The result must not depend on the reports or the checks: they change when the caller hears
    /// about the work, never what it computes.
    func run(
        _ parameters: ParameterValues, request: SectionRequest<Self>,
        progress: (SectionProgress) -> Void, isCancelled: () -> Bool
    ) throws -> SectionRun<Self>
}

extension LessonSection {
    public func declaredResults(for parameters: ParameterValues) throws -> Set<ResultKey> {
        Set(ResultKey.allCases)
    }

    /// The outputs a block may `show`, by name, with what each draws.
    public var outputs: [(name: String, summary: String)] {
        OutputKey.allCases.map { ($0.rawValue, $0.summary) }
    }

    /// The measured results expectations and computed quiz answers may name, with what each means.
    public var results: [(name: String, summary: String)] {
        ResultKey.allCases.filter { $0.provenance == .measured }.map { ($0.name, $0.summary) }
    }

    /// The givens the section shows beside its measurements, which expressions may not name.
    public var givens: [(name: String, summary: String)] {
        ResultKey.allCases.filter { $0.provenance == .given }.map { ($0.name, $0.summary) }
    }

    /// The names an expression may be parsed with: every result, givens included, so that naming
    /// a given is reported as such (`givenError`) rather than as a typo.
    public var expressionNames: Set<String> {
        Set(ResultKey.allCases.map(\.name))
    }

    /// Why `expression` may not be checked, when it names a given; nil when it names only measured results.
    public func givenError(in expression: Expression) -> String? {
        let givens = Set(givens.map(\.name))
        guard let given = expression.names.first(where: givens.contains) else { return nil }
        return "`\(given)` is a given of `\(name)` (a constant or a formula of the parameters, shown but never measured), "
            + "so a check of it could not fail; expected a measured result: \(results.map(\.name).joined(separator: ", "))"
    }

    /// The spec of the parameter called `name`, if the section takes one.
    public func parameter(named name: String) -> ParameterSpec? {
        parameters.first { $0.name == name }
    }

    /// The section's defaults for every parameter.
    public var defaultParameters: ParameterValues {
        ParameterValues(Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0.defaultValue) }))
    }

    /// Runs the section for everything it declares, in one go.
    public func run(_ parameters: ParameterValues) throws -> SectionRun<Self> {
        try run(parameters, request: .everything, progress: { _ in }, isCancelled: { false })
    }

    /// Runs the section for the outputs and results named, with names for keys: what the runner
    /// and the front ends use. A name the section does not declare is an `InputError`.
    public func run(
        _ parameters: ParameterValues, outputs: [String], results: Set<String>,
        progress: (SectionProgress) -> Void, isCancelled: () -> Bool
    ) throws -> SectionResult {
        let outputKeys = try outputs.map { name in
            guard let key = OutputKey(rawValue: name) else {
                throw InputError("section `\(self.name)`", "unknown output `\(name)`; expected one of \(OutputKey.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return key
        }
        let keysByName = Dictionary(ResultKey.allCases.map { ($0.name, $0) }) { first, _ in first }
        let resultKeys = try results.map { name in
            guard let key = keysByName[name], key.provenance == .measured else {
                throw InputError("section `\(self.name)`", "`\(name)` is not a measured result of `\(self.name)`")
            }
            return key
        }
        let request = SectionRequest<Self>(outputs: Set(outputKeys), results: Set(resultKeys))
        return try run(parameters, request: request, progress: progress, isCancelled: isCancelled).erased
    }
}
