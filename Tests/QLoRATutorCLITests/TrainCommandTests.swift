import Foundation
import Testing

@Suite struct TrainCommandTests {
    /// Bad input: one line on standard error naming the flag, nothing on standard output, exit status 2.
    @Test(arguments: [
        (["--steps", "0"], "--steps: expected a positive integer, got 0"),
        (["--steps", "-5"], "--steps: expected a positive integer, got -5"),
        (["--steps", "9223372036854775807"], "--steps: expected at most 1000000 steps"),
        (["--methods", "lora,dora"], "--methods: unknown method 'dora'"),
        (["--methods", "lora,lora"], "--methods: method 'lora' is listed twice"),
        (["--methods", ""], "--methods: unknown method ''"),
        (["--task", "sentiment"], "--task: unknown task 'sentiment'; expected one of low-rank-shift, full-rank-shift"),
        (["--json", "--csv"], "--csv: cannot be combined with --json"),
    ])
    func badInputGetsOneLineAndStatusTwo(arguments: [String], expected: String) throws {
        let result = try CommandRunner.run(["train"] + arguments)
        #expect(result.status == 2)
        #expect(result.standardOutput.isEmpty)
        #expect(result.standardError.split(separator: "\n").count == 1)
        #expect(result.standardError.hasPrefix("qlora-tutor: \(expected)"))
    }

    @Test(arguments: [["--seed", "-1"], ["--steps", "many"]])
    func unparsableNumbersExitWithStatusTwo(arguments: [String]) throws {
        let result = try CommandRunner.run(["train"] + arguments)
        #expect(result.status == 2)
        #expect(result.standardOutput.isEmpty)
    }

    struct Report: Decodable {
        struct Method: Decodable {
            var method: String
            var losses: [Float]
            var trainableParameters: Int
            var medianStepSeconds: Double?
        }
        var methods: [Method]
    }

    static func decode(_ text: String) throws -> Report {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Report.self, from: Data(text.utf8))
    }

    @Test func jsonIsTheSameTwiceForASeedAndHasNoTimings() throws {
        let arguments = ["train", "--steps", "30", "--methods", "lora,qlora-nf4", "--seed", "3", "--json"]
        let first = try CommandRunner.run(arguments)
        let second = try CommandRunner.run(arguments)
        #expect(first.status == 0)
        #expect(first.standardOutput == second.standardOutput)
        let report = try Self.decode(first.standardOutput)
        #expect(report.methods.map(\.method) == ["lora", "qlora-nf4"])
        #expect(report.methods.allSatisfy { $0.losses.count == 30 && $0.medianStepSeconds == nil })
    }

    @Test func differentSeedsGiveDifferentLosses() throws {
        let first = try CommandRunner.run(["train", "--steps", "5", "--methods", "lora", "--seed", "1", "--json"])
        let second = try CommandRunner.run(["train", "--steps", "5", "--methods", "lora", "--seed", "2", "--json"])
        #expect(try Self.decode(first.standardOutput).methods.first?.losses != Self.decode(second.standardOutput).methods.first?.losses)
    }

    @Test func timingsAppearOnlyWhenAsked() throws {
        let result = try CommandRunner.run(["train", "--steps", "3", "--methods", "lora", "--json", "--timings"])
        let method = try #require(try Self.decode(result.standardOutput).methods.first)
        #expect((method.medianStepSeconds ?? 0) > 0)
    }

    /// The default run: every standard method in the table, and the loss falls for each.
    @Test func theTableShowsEveryMethodAndTheLossFalls() throws {
        let text = try CommandRunner.run(["train"])
        #expect(text.status == 0)
        for method in ["full", "lora", "qlora-nf4", "qlora-fp4", "qlora-int4"] {
            #expect(text.standardOutput.contains("\n\(method) "), "\(method) row")
        }
        let csv = try CommandRunner.run(["train", "--csv"])
        let rows = csv.standardOutput.split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
        #expect(rows.count == 5)
        for row in rows {
            let first = Double(row[2]) ?? 0
            let last = Double(row[3]) ?? .infinity
            #expect(last < 0.6 * first, "\(row[0]): \(first) -> \(last)")
        }
    }
}
