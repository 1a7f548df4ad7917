extension Tensor {
    /// The population standard deviation of the values, summed in double precision in index order.
    public var standardDeviation: Double { Self.standardDeviation(of: scalars) }

    /// The population standard deviation of `values`, summed in double precision in their order,
    /// so the result is the same on every machine; 0 for no values.
    public static func standardDeviation(of values: some Collection<Float>) -> Double {
        let count = Double(max(values.count, 1))
        let mean = values.reduce(0.0) { $0 + Double($1) } / count
        return (values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / count).squareRoot()
    }
}
