import QLoRAEngine
import TutorLessons

/// A live block on the lesson page: what it runs, its tweaks with their keys, its outputs and
/// whether its expectations hold. The lesson page draws it inside a `FocusMargin`.
struct LiveBlockPanel: Widget {
    var block: LiveBlock
    var run: BlockRun?
    /// The value each tweak has now, in the block's order.
    var tweakValues: [ParameterValue?]
    var selectedTweak: Int
    var isFocused: Bool
    var theme: Theme
    var maximumHeatmapRows: Int
    /// The time since the run finished, for the loss curve drawing itself in; nil when not animating.
    var revealFraction: Double? = nil
    /// Whether the block waits for the learner to answer a prediction quiz about it before it runs.
    var waitsForPrediction = false

    var content: StackWidget {
        var header = [StyledLine.Span("▶ " + block.section, style: theme.accent)]
        switch run?.status {
        case nil where waitsForPrediction: header.append(.init("   waiting for your prediction", style: theme.accent))
        case nil: header.append(.init("   Enter: run", style: theme.dim))
        case .running?: header.append(.init("   running…  Esc: stop", style: theme.accent))
        case .finished(let result)?:
            let failed = result.expectations.filter(\.fails).count
            let atDefaultOnly = result.expectations.filter(\.isHeldAtDefaultOnly).count
            if result.expectations.isEmpty {
                header.append(.init("   done", style: theme.dim))
            } else if failed == 0, atDefaultOnly > 0 {
                header.append(.init("   ✓ every expectation for these values holds", style: theme.success))
            } else if failed == 0 {
                header.append(.init("   ✓ every expectation holds", style: theme.success))
            } else {
                header.append(.init("   ✗ \(failed) of \(result.expectations.count) expectations fail", style: theme.failure))
            }
        case .stopped?: header.append(.init("   stopped  Enter: run again", style: theme.dim))
        case .failed(let message)?: header.append(.init("   ✗ " + message, style: theme.failure))
        }
        // Each tweak (key, name and value) stays whole on one row when the row wraps.
        var chunks: [[StyledLine.Span]] = []
        if !block.tweaks.isEmpty {
            for (index, tweak) in block.tweaks.enumerated() {
                let value = index < tweakValues.count ? tweakValues[index]?.description ?? "?" : "?"
                let selected = isFocused && index == selectedTweak
                chunks.append([
                    .init("\(index + 1)", style: selected ? theme.selection : theme.accent),
                    .init(" \(tweak.parameter): ", style: theme.dim),
                    .init(value, style: selected ? theme.selection : theme.strong),
                ])
            }
            chunks.append([.init("+/- change", style: theme.dim)])
        }
        var children: [any Widget] = [ChunksWidget(leading: [StyledLine(header)], chunks, gap: StyledLine.Span("   ", style: theme.text))]
        if waitsForPrediction, run == nil {
            children.append(LinesWidget([StyledLine(TutorState.waitingReason, style: theme.dim)], hangingIndent: 2))
        }
        children += (run?.outputs ?? []).map { OutputWidget($0, theme: theme, maximumHeatmapRows: maximumHeatmapRows, revealFraction: revealFraction) }
        if case .finished(let result)? = run?.status, !result.expectations.isEmpty {
            // The projector shows the numbers the expectations are about, big; the expectations
            // themselves go to the presenter's screen.
            if theme.isProjector {
                children.append(HeadlineNumbers(Self.headlineNumbers(result), theme: theme))
            } else {
                children.append(LinesWidget(result.expectations.map { Self.expectationLine($0, theme: theme) }, hangingIndent: 2))
            }
        }
        return StackWidget(children)
    }

    /// The values a run's expectations name, each once, in the order they first appear.
    static func headlineNumbers(_ run: LiveRun) -> [(name: String, value: String)] {
        var seen: Set<String> = []
        var numbers: [(name: String, value: String)] = []
        for outcome in run.expectations {
            for value in outcome.values where seen.insert(value.name).inserted {
                numbers.append((value.name, NumberFormat.result(value.value)))
            }
        }
        return numbers
    }

    /// An expectation with its verdict and the values it read: `✓ mse < 2e-5   mse = 1.2e-05`; an
    /// `at-default:` one after a tweak, in neutral colours: `· mse < 2e-5   holds at the default; now mse = 3e-05`.
    static func expectationLine(_ outcome: ExpectationOutcome, theme: Theme) -> StyledLine {
        let values = outcome.valuesText
        if outcome.isHeldAtDefaultOnly {
            return StyledLine([
                .init("· ", style: theme.dim),
                .init(outcome.expectation.text, style: theme.code),
                .init("   holds at the default; now " + (values.isEmpty ? "?" : values), style: theme.dim),
            ])
        }
        return StyledLine([
            .init(outcome.passed ? "✓ " : "✗ ", style: outcome.passed ? theme.success : theme.failure),
            .init(outcome.expectation.text, style: theme.code),
            .init(values.isEmpty ? "" : "   " + values, style: theme.dim),
        ])
    }

    func height(forWidth width: Int) -> Int { content.height(forWidth: width) }

    func draw(in rect: Rect, on screen: inout Screen) { content.draw(in: rect, on: &screen) }
}
