@testable import TutorLessons

extension SectionRun {
    /// Every result by its name, givens included: what a test of one section reads.
    var byName: [String: Double] {
        Dictionary(uniqueKeysWithValues: results.map { ($0.key.name, $0.value) })
    }

    /// Every output built, by its name.
    var outputsByName: [String: [Output]] {
        Dictionary(uniqueKeysWithValues: outputs.map { ($0.key.rawValue, $0.value) })
    }
}
