/// Spaces out a section's progress reports in wall-clock time, so a fast loop reports a few dozen
/// times a second however quick its steps are, and a slow one still reports every step.
public struct ReportSpacing {
    /// The shortest time between two reports.
    public var interval: Duration
    private let clock = ContinuousClock()
    private var lastReport: ContinuousClock.Instant?

    /// About 30 reports a second: as often as a terminal is worth redrawing.
    public static let interactiveInterval = Duration.milliseconds(33)

    public init(interval: Duration = interactiveInterval) {
        self.interval = interval
    }

    /// Whether a report is due now; the first call always is. Marks the time when it is.
    public mutating func isDue() -> Bool {
        let now = clock.now
        if let lastReport, now - lastReport < interval { return false }
        lastReport = now
        return true
    }
}

extension ReportSpacing: Sendable {}
