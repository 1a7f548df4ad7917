import QLoRAEngine
import Testing
@testable import TutorLessons

/// The contract between lessons and sections: a section produces exactly the results and outputs
/// it declares, and an expression that reads a result a run did not produce is an error.
@Suite struct SectionContractTests {
    /// Every parameter set the shipped course can run `section` with: its defaults, each block as
    /// written, and each block with each value one of its tweaks offers.
    static func parameterSets(of section: any LessonSection) throws -> [ParameterValues] {
        var sets = [section.defaultParameters]
        for lesson in try Course.load(Course.builtInFiles).lessons {
            for block in lesson.liveBlocks where block.section == section.name {
                sets.append(block.parameters)
                for tweak in block.tweaks {
                    let values = try #require(tweak.allowed.steppedValues, "a shipped tweak can be stepped through")
                    sets += values.map { block.parameters.merging([tweak.parameter: $0]) }
                }
            }
        }
        var seen = Set<ParameterValues>()
        return sets.filter { seen.insert($0).inserted }
    }

    /// The names `section` produces and declares for `parameters`, asked for everything.
    static func producedAndDeclared<Section: LessonSection>(_ section: Section, _ parameters: ParameterValues) throws
        -> (results: Set<String>, declared: Set<String>, outputs: Set<String>) {
        let run = try section.run(parameters)
        return (
            Set(run.results.keys.map(\.name)), Set(try section.declaredResults(for: parameters).map(\.name)),
            Set(run.outputs.keys.map(\.rawValue)))
    }

    @Test(arguments: SectionRegistry.standard.sections.map(\.name))
    func everySectionProducesExactlyWhatItDeclaresAtEveryOfferedTweak(_ name: String) throws {
        let section = try #require(SectionRegistry.standard.section(named: name))
        let sets = try Self.parameterSets(of: section)
        #expect(sets.count > 1 || name == "production", "the course runs \(name) with more than its defaults")
        for parameters in sets {
            let (results, declared, outputs) = try Self.producedAndDeclared(section, parameters)
            #expect(results == declared, "\(name) with \(parameters.canonicalText)")
            #expect(outputs == Set(section.outputs.map(\.name)), "\(name) with \(parameters.canonicalText)")
            #expect(results.allSatisfy { result in
                section.results.contains { $0.name == result } || section.givens.contains { $0.name == result }
            })
        }
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
