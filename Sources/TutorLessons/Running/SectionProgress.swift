/// What a section has to show before it finishes: the outputs so far, by the names in
/// `LessonSection.outputs` (a loss curve up to the current step).
///
/// Only what the section can already show is here; an output it cannot draw yet is absent.
/// The content at a given point of the computation is deterministic; how often reports are made
/// is not (a section may space them by wall-clock time).
public struct SectionProgress: Equatable {
    /// The outputs so far, by name.
    public var outputs: [String: [Output]]

    public init(outputs: [String: [Output]]) {
        self.outputs = outputs
    }
}

extension SectionProgress: Sendable {}
