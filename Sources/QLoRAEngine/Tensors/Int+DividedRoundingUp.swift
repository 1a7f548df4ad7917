extension Int {
    /// `self / divisor` rounded up: how many blocks of `divisor` values hold `self` values, the last
    /// one maybe partial (and how many bytes hold `self` 4-bit codes, with `divisor` 2).
    ///
    /// Spelled without `self + divisor - 1`, so it cannot overflow even for a size read from a file.
    /// - Precondition: `self >= 0` and `divisor > 0`.
    public func dividedRoundingUp(by divisor: Int) -> Int {
        self / divisor + (self % divisor == 0 ? 0 : 1)
    }
}
