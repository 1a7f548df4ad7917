/// The engine sections live blocks can run, by name.
///
/// A new kind of live block is one `LessonSection` added to `standard`; the parser, runner and
/// grader need no change.
public struct SectionRegistry {
    private var sectionsByName: [String: any LessonSection]

    /// Every registered section, sorted by name.
    public var sections: [any LessonSection] {
        sectionsByName.keys.sorted().compactMap { sectionsByName[$0] }
    }

    public init(_ sections: [any LessonSection]) {
        sectionsByName = Dictionary(sections.map { ($0.name, $0) }) { first, _ in first }
    }

    /// The section a block names in `run:`.
    public func section(named name: String) -> (any LessonSection)? {
        sectionsByName[name]
    }

    /// The sections the shipped course uses.
    public static let standard = SectionRegistry([
        QuantizeSection(),
        CodebookSection(),
        DynamicMapSection(),
        ComparisonSection(),
        CheckpointSection(),
        TrainingSection(),
        FineTuningSection(),
        NumberFormatsSection(),
        MemoryTableSection(),
        StepMemorySection(),
        ProductionSection(),
        QLoRALayerSection(),
        LlamaQuantizeSection(),
        LlamaMergeSection(),
        LoRAInitSection(),
    ])
}

extension SectionRegistry: Sendable {}
