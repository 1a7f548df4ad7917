import Foundation
import Testing
@testable import TutorLessons

/// The guide's table of the tutorial notebook's corrections points at live blocks that really back them.
///
/// Each row names a lesson, its blocks, the `expect:` lines that carry the correction and the values
/// measured; if a lesson is rewritten and a block, a check or a result goes away, this fails.
@Suite struct CorrectionsMapTests {
    /// One row of the table: the correction's letter, where it is shown, what checks it.
    struct Row {
        var letter: String
        var lesson: String
        var blockIDs: [String]
        var expectations: [String]
        var measuredNames: [String]
    }

    static let heading = "## Corrections of the tutorial notebook"

    /// The rows of the first table under `heading` in `Lessons/README.md`.
    static func rows() throws -> [Row] {
        let lines = try LessonFixtures.guideText().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try #require(lines.firstIndex(of: heading), "the guide has the section \(heading)")
        let table = lines[(start + 1)...].drop { !$0.hasPrefix("|") }.prefix { $0.hasPrefix("|") }
        // The header and the |---| row come first.
        return try table.dropFirst(2).map { line in
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { $0.trimmingCharacters(in: .whitespaces) }
            try #require(cells.count == 7, "seven cells in \(line)")
            return Row(
                letter: cells[0], lesson: cells[3], blockIDs: codeSpans(cells[4]),
                expectations: codeSpans(cells[5]), measuredNames: codeSpans(cells[6]))
        }
    }

    /// The text of every `` `code` `` span in a table cell.
    static func codeSpans(_ cell: String) -> [String] {
        cell.split(separator: "`", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }

    @Test func theTableHasOneRowForEachOfTheElevenCorrections() throws {
        #expect(try Self.rows().map(\.letter) == ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"])
    }

    @Test func everyRowPointsAtExpectationsOnMeasuredResultsOfItsBlocks() throws {
        let course = try Course.load(Course.builtInFiles)
        for row in try Self.rows() {
            let lesson = try course.lesson(named: row.lesson)
            let blocks = try row.blockIDs.map { id in
                try #require(lesson.liveBlocks.first { $0.id == id }, "(\(row.letter)) lesson \(lesson.id) has a block \(id)")
            }
            #expect(!blocks.isEmpty && !row.expectations.isEmpty, "(\(row.letter)) names a block and a check")
            var checkedNames: Set<String> = []
            for text in row.expectations {
                let owner = blocks.first { $0.expectations.contains { $0.text == text } }
                guard let owner else {
                    Issue.record("(\(row.letter)) `\(text)` is an expect: line of none of \(row.blockIDs)")
                    continue
                }
                let section = try #require(SectionRegistry.standard.section(named: owner.section))
                let measured = Set(section.results.map(\.name))
                let names = owner.expectations.first { $0.text == text }?.condition.names ?? []
                for name in names {
                    #expect(measured.contains(name), "(\(row.letter)) `\(name)` is a measured result of `\(owner.section)`")
                }
                checkedNames.formUnion(names)
            }
            #expect(!row.measuredNames.isEmpty, "(\(row.letter)) gives measured values")
            for name in row.measuredNames {
                #expect(checkedNames.contains(name), "(\(row.letter)) `\(name)` is named by a cited expect: line")
            }
        }
    }
}
