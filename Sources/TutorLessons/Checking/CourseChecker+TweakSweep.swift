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
        var failures: [CheckCase] = []
        var runs = 0
        var swept: [String] = []
        for tweak in block.tweaks {
            let offered = tweak.allowed.steppedValues?.count ?? 0
            let values = Self.sweptValues(of: tweak)
            swept.append("\(tweak.parameter) (\(values.count == offered ? "\(offered)" : "\(values.count) of \(offered), evenly spaced") values)")
            for value in values where value != block.parameters[tweak.parameter] {
                let setting = "\(tweak.parameter)=\(value)"
                runs += 1
                let run: LiveRun
                do {
                    run = try runner.run(block, tweaks: [tweak.parameter: value])
                } catch {
                    failures.append(CheckCase(
                        kind: .tweak, name: "\(block.id) runs with \(setting)", source: "\(lesson.sourcePath):\(block.line)",
                        passed: false, message: describe(error)))
                    continue
                }
                for (outcome, written) in zip(run.expectations, asWritten.expectations) where outcome.fails && written.passed {
                    failures.append(CheckCase(
                        kind: .tweak, name: "\(block.id) with \(setting): \(outcome.expectation.text)",
                        source: "\(lesson.sourcePath):\(outcome.expectation.line)", passed: false, message: outcome.valuesText))
                }
            }
        }
        let plain = asWritten.expectations.filter { $0.expectation.scope == .everyTweak && $0.passed }.count
        let verdict = failures.isEmpty ? "plain expectations holding at each: \(plain)" : "failures: \(failures.count)"
        let summary = CheckCase(
            kind: .tweak, name: "\(block.id) under every tweak", source: "\(lesson.sourcePath):\(block.line)", passed: failures.isEmpty,
            message: "\(runs) runs over \(swept.joined(separator: ", ")); \(verdict)")
        return failures + [summary]
    }
}
