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

    var content: StackWidget {
        var header = [StyledLine.Span("▶ " + block.section, style: theme.accent)]
        switch run?.status {
        case nil: header.append(.init("   Enter: run", style: theme.dim))
        case .running?: header.append(.init("   running…  Esc: stop", style: theme.accent))
        case .finished(let result)?:
            let failed = result.expectations.filter { !$0.passed }.count
            if result.expectations.isEmpty {
                header.append(.init("   done", style: theme.dim))
            } else if failed == 0 {
                header.append(.init("   ✓ every expectation holds", style: theme.success))
            } else {
                header.append(.init("   ✗ \(failed) of \(result.expectations.count) expectations fail", style: theme.failure))
            }
        case .stopped?: header.append(.init("   stopped  Enter: run again", style: theme.dim))
        case .failed(let message)?: header.append(.init("   ✗ " + message, style: theme.failure))
        }
        var lines = [StyledLine(header)]
        if !block.tweaks.isEmpty {
            var spans: [StyledLine.Span] = []
            for (index, tweak) in block.tweaks.enumerated() {
                let value = index < tweakValues.count ? tweakValues[index]?.description ?? "?" : "?"
                let selected = isFocused && index == selectedTweak
                spans.append(.init("\(index + 1)", style: selected ? theme.selection : theme.accent))
                spans.append(.init(" \(tweak.parameter): ", style: theme.dim))
                spans.append(.init(value, style: selected ? theme.selection : theme.strong))
                spans.append(.init("   ", style: theme.text))
            }
            spans.append(.init("+/- change", style: theme.dim))
            lines.append(StyledLine(spans))
        }
        var children: [any Widget] = [LinesWidget(lines)]
        children += (run?.outputs ?? []).map { OutputWidget($0, theme: theme, maximumHeatmapRows: maximumHeatmapRows) }
        if case .finished(let result)? = run?.status, !result.expectations.isEmpty {
            children.append(LinesWidget(result.expectations.map(expectationLine)))
        }
        return StackWidget(children)
    }

    private func expectationLine(_ outcome: ExpectationOutcome) -> StyledLine {
        let values = outcome.valuesText
        return StyledLine([
            .init(outcome.passed ? "✓ " : "✗ ", style: outcome.passed ? theme.success : theme.failure),
            .init(outcome.expectation.text, style: theme.code),
            .init(values.isEmpty ? "" : "   " + values, style: theme.dim),
        ])
    }

    func height(forWidth width: Int) -> Int { content.height(forWidth: width) }

    func draw(in rect: Rect, on screen: inout Screen) { content.draw(in: rect, on: &screen) }
}
