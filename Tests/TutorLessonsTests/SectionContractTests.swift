import QLoRAEngine
import Testing
@testable import TutorLessons

/// The contract between lessons and sections: a section produces exactly the results and outputs
/// it declares, and an expression that reads a result a run did not produce is an error.
@Suite struct SectionContractTests {
    /// One run the contract test makes: a section and a parameter set the shipped course can run it with.
    struct Case: CustomTestStringConvertible, Sendable {
        var section: String
        var parameters: ParameterValues
        var testDescription: String { "\(section) with \(parameters.canonicalText)" }
    }

    /// Every parameter set the shipped course can run each section with: its defaults, each block
    /// as written, and each block with each value one of its tweaks offers (each set once; see
    /// `everyValue`).
    static let cases: [Case] = {
        let lessons = (try? Course.load(Course.builtInFiles).lessons) ?? []
        var cases: [Case] = []
        var seen = Set<[String: ParameterValue]>()
        func add(_ section: String, _ parameters: ParameterValues) {
            if seen.insert(parameters.values.merging(["": .word(section)]) { $1 }).inserted {
                cases.append(Case(section: section, parameters: parameters))
            }
        }
        for section in SectionRegistry.standard.sections {
            add(section.name, section.defaultParameters)
            for block in lessons.flatMap(\.liveBlocks) where block.section == section.name {
                add(section.name, block.parameters)
                for tweak in block.tweaks {
                    for value in everyValue(of: tweak) {
                        add(section.name, block.parameters.merging([tweak.parameter: value]))
                    }
                }
            }
        }
        return cases
    }()

    /// The most values one tweak may offer for the test to run them all; a lesson that offers more
    /// (`seed` alone offers 10,000) must list or range the ones it means.
    static let mostValuesPerTweak = 32

    /// Every value `tweak` offers; an empty list, which the test reports, when it offers more than
    /// `mostValuesPerTweak` or a continuous range.
    static func everyValue(of tweak: Tweak) -> [ParameterValue] {
        guard let values = tweak.allowed.steppedValues, values.count <= mostValuesPerTweak else { return [] }
        return values
    }

    /// The names `section` produces and declares for `parameters`, asked for everything.
    static func producedAndDeclared<Section: LessonSection>(_ section: Section, _ parameters: ParameterValues) throws
        -> (results: Set<String>, declared: Set<String>, outputs: Set<String>) {
        let run = try section.run(parameters)
        return (
            Set(run.results.keys.map(\.name)), Set(try section.declaredResults(for: parameters).map(\.name)),
            Set(run.outputs.keys.map(\.rawValue)))
    }

    @Test func theCasesCoverEverySectionAndEveryTweakOfTheCourse() throws {
        let lessons = try Course.load(Course.builtInFiles).lessons
        #expect(Set(Self.cases.map(\.section)) == Set(SectionRegistry.standard.sections.map(\.name)))
        for tweak in lessons.flatMap(\.liveBlocks).flatMap(\.tweaks) {
            #expect(tweak.allowed.steppedValues != nil, "a shipped tweak can be stepped through")
            #expect(
                Self.everyValue(of: tweak).count == tweak.allowed.steppedValues?.count,
                "`\(tweak.parameter)` offers more than \(Self.mostValuesPerTweak) values; the test would not run them all")
        }
    }

    @Test(arguments: cases)
    func aSectionProducesExactlyWhatItDeclares(_ contract: Case) throws {
        let section = try #require(SectionRegistry.standard.section(named: contract.section))
        let (results, declared, outputs) = try Self.producedAndDeclared(section, contract.parameters)
        #expect(results == declared)
        #expect(outputs == Set(section.outputs.map(\.name)))
    }

    @Test func resultNamesAreUniqueAndGivensAreNotResults() {
        for section in SectionRegistry.standard.sections {
            let names = section.results.map(\.name) + section.givens.map(\.name)
            #expect(Set(names).count == names.count, "\(section.name) declares a name twice")
        }
        let layer = QLoRALayerSection()
        #expect(layer.givens.map(\.name).contains("scaling_r8"))
        #expect(!layer.results.map(\.name).contains("scaling_r8"))
        #expect(layer.results.map(\.name).contains("base_trainable"))
    }

    @Test func anExpectationCannotNameAGiven() throws {
        let text = LessonFixtures.withBlock("run: formats\nshow: [table]\nexpect:\n  - fp16_max == 65504")
        #expect(throws: InputError.self) { try LessonParser().parse(text, id: "t", sourcePath: "t.md") }
    }

    @Test func aRequestComputesOnlyTheComparisonsItNeeds() throws {
        let section = ComparisonSection()
        let parameters = section.defaultParameters
        let request = SectionRequest<ComparisonSection>(outputs: [], results: [.mseAtBlocksize(64)])
        let run = try section.run(parameters, request: request, progress: { _ in }, isCancelled: { false })
        #expect(run.results[.mseAtBlocksize(64)] != nil)
        #expect(run.results[.mse(.nf4)] == nil && run.results[.mseWithDoubleQuantization] == nil)
        #expect(run.outputs.isEmpty)
        // What was computed equals the full run's values, bit for bit.
        #expect(run.results[.mseAtBlocksize(64)] == (try section.run(parameters)).results[.mseAtBlocksize(64)])
    }

    @Test func everySectionStopsWhenCancelled() throws {
        for section in SectionRegistry.standard.sections {
            #expect(throws: CancellationError.self, "\(section.name)") {
                _ = try section.run(section.defaultParameters, outputs: [], results: Set(section.results.map(\.name)),
                                    progress: { _ in }, isCancelled: { true })
            }
        }
    }

    @Test func aResultTheRunDidNotProduceFailsTheExpectationAndTheCheckExitsTwo() throws {
        // FP4 is not rebuilt from quantiles, so a tweak to it leaves `max_rebuild_difference` unmeasured.
        let text = LessonFixtures.withBlock("run: codebook\ntype: fp4\nshow: [levels]\nexpect:\n  - max_rebuild_difference != 0")
        let lesson = try LessonParser().parse(text, id: "t", sourcePath: "t.md")
        let run = try LessonRunner().run(try #require(lesson.liveBlocks.first))
        let outcome = try #require(run.expectations.first)
        #expect(!outcome.passed)
        #expect(outcome.unmeasured == Expression.MissingResult(name: "max_rebuild_difference", isNaN: false))
        let report = CheckReport(mode: .course, suites: [CourseChecker().check(lesson)])
        #expect(report.exitStatus == 2)
        #expect(report.suites.first?.error?.contains("max_rebuild_difference") == true)
    }

    @Test func parameterReadsAreTypedAndNeverFallBack() throws {
        let parameters = ParameterValues(["n": .number(2.5), "flag": .word("yes"), "type": .word("nf4")])
        #expect(throws: InputError.self) { try parameters.integer("n") }
        #expect(throws: InputError.self) { try parameters.word("missing") }
        #expect(throws: InputError.self) { try parameters.flag("flag") }
        #expect(throws: InputError.self) { try parameters.number("type") }
        #expect(try parameters.choice("type", as: FourBitType.self) == .nf4)
    }

    @Test func everyYesOrNoParameterIsSpeltTrueOrFalse() {
        for section in SectionRegistry.standard.sections {
            for spec in section.parameters {
                if case .choices(let words) = spec.domain, Set(words).isSubset(of: ["yes", "no", "true", "false"]) {
                    #expect(Set(words) == ["true", "false"], "\(section.name).\(spec.name)")
                }
            }
        }
    }
}
