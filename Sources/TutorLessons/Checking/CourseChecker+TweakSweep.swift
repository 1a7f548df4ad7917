import Foundation
import QLoRAEngine

extension CourseChecker {
    /// The most values the sweep runs one tweak at. A tweak that offers more (a seed from 0 to
    /// 9999) is run at this many values spread evenly over the ones it offers, first and last
    /// included; the sweep's case says so.
    public static let mostSweptValuesPerTweak = 32

    /// The values the sweep runs `tweak` at, in the order it offers them: all of them, or
    /// `mostSweptValuesPerTweak` spread evenly from the first to the last.
    public static func sweptValues(of tweak: Tweak) -> [ParameterValue] {
        let offered = tweak.allowed.steppedValues ?? []
        let most = mostSweptValuesPerTweak
        guard offered.count > most else { return offered }
        return (0..<most).map { offered[$0 * (offered.count - 1) / (most - 1)] }
    }

    /// Runs `block` at every value its tweaks offer, one parameter at a time with the others as
    /// written, and checks under each the plain expectations that held as written (an
    /// `at-default:` one is meant for the block as written only, and one that failed there is
    /// reported there, once).
    ///
    /// The cases: one failed case for each such expectation that fails under a value and for each
    /// value the block does not run at, then one case saying what was swept; none for a block
    /// without tweaks. Values equal to the block's own were checked by its run as written.
    func sweep(_ block: LiveBlock, in lesson: Lesson, asWritten: LiveRun) -> [CheckCase] {
        guard !block.tweaks.isEmpty else { return [] }
        var swept: [String] = []
        var settings: [(parameter: String, value: ParameterValue)] = []
        for tweak in block.tweaks {
            let offered = tweak.allowed.steppedValues?.count ?? 0
            let values = Self.sweptValues(of: tweak)
            swept.append("\(tweak.parameter) (\(values.count == offered ? "\(offered)" : "\(values.count) of \(offered), evenly spaced") values)")
            settings += values.filter { $0 != block.parameters[tweak.parameter] }.map { (tweak.parameter, $0) }
        }
        let runs = runSweep(block, settings.map { [$0.parameter: $0.value] })

        var failures: [CheckCase] = []
        for (setting, run) in zip(settings, runs) {
            let name = "\(setting.parameter)=\(setting.value)"
            switch run {
            case .failure(let error):
                failures.append(CheckCase(
                    kind: .tweak, name: "\(block.id) runs with \(name)", source: "\(lesson.sourcePath):\(block.line)",
                    passed: false, message: describe(error)))
            case .success(let run):
                for (outcome, written) in zip(run.expectations, asWritten.expectations) where outcome.fails && written.passed {
                    failures.append(CheckCase(
                        kind: .tweak, name: "\(block.id) with \(name): \(outcome.expectation.text)",
                        source: "\(lesson.sourcePath):\(outcome.expectation.line)", passed: false, message: outcome.valuesText))
                }
            }
        }
        let plain = asWritten.expectations.filter { $0.expectation.scope == .everyTweak && $0.passed }.count
        let verdict = failures.isEmpty ? "plain expectations holding at each: \(plain)" : "failures: \(failures.count)"
        let summary = CheckCase(
            kind: .tweak, name: "\(block.id) under every tweak", source: "\(lesson.sourcePath):\(block.line)", passed: failures.isEmpty,
            message: "\(settings.count) runs over \(swept.joined(separator: ", ")); \(verdict)")
        return failures + [summary]
    }

    /// Runs `block` with each set of tweaks, spread over the machine's cores; the runs are
    /// independent and each deterministic, so the results, kept in the order given, are the same
    /// on any number of cores.
    ///
    /// The sweep reads results only: the section is asked for no outputs, and makes only what the
    /// expectations read (a comparison computes just the types they name).
    private func runSweep(_ block: LiveBlock, _ tweaks: [[String: ParameterValue]]) -> [Result<LiveRun, any Error>] {
        var bare = block
        bare.show = []
        return ConcurrentSlots.map(tweaks.count) { [runner, bare] index in
            Result { try runner.run(bare, tweaks: tweaks[index]) }
        }
    }
}
