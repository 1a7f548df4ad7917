/// A count of values that becomes unknown (nil), and stays so, once a sum or product passes
/// `Int.max`: sizes a user typed can be multiplied out as plain arithmetic without a trap.
struct CheckedCount: Equatable {
    /// The count, or nil past `Int.max`.
    let value: Int?

    init(_ value: Int?) {
        self.value = value
    }

    static func + (left: CheckedCount, right: CheckedCount) -> CheckedCount {
        guard let a = left.value, let b = right.value else { return CheckedCount(nil) }
        let (sum, overflow) = a.addingReportingOverflow(b)
        return CheckedCount(overflow ? nil : sum)
    }

    static func * (left: CheckedCount, right: CheckedCount) -> CheckedCount {
        guard let a = left.value, let b = right.value else { return CheckedCount(nil) }
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return CheckedCount(overflow ? nil : product)
    }

    /// The larger count; unknown when either is.
    static func maximum(_ left: CheckedCount, _ right: CheckedCount) -> CheckedCount {
        guard let a = left.value, let b = right.value else { return CheckedCount(nil) }
        return CheckedCount(max(a, b))
    }
}

extension CheckedCount: ExpressibleByIntegerLiteral {
    init(integerLiteral value: Int) {
        self.init(value)
    }
}

extension CheckedCount: Sendable {}
