import QLoRAEngine

/// The `matrix` parameters a section takes to make its input: a seeded random weight matrix.
///
/// Lessons never read data files; a block describes its matrix and the engine draws it, the same
/// on every machine: `matrix: {rows: 32, cols: 64, init: normal, std: 0.02, seed: 7, outlier: 8}`.
enum MatrixParameters {
    /// The specs of `matrix.rows`, `.cols`, `.init`, `.std`, `.seed` and `.outlier`.
    static let specs: [ParameterSpec] = [
        ParameterSpec(name: "matrix.rows", summary: "rows of the weight matrix", domain: .range(1...256, step: 1), defaultValue: .number(32)),
        ParameterSpec(name: "matrix.cols", summary: "columns of the weight matrix", domain: .range(1...256, step: 1), defaultValue: .number(64)),
        ParameterSpec(
            name: "matrix.init", summary: "`normal` (mean 0) or `uniform` (symmetric, same standard deviation)",
            domain: .choices(["normal", "uniform"]), defaultValue: .word("normal")),
        ParameterSpec(name: "matrix.std", summary: "standard deviation of the weights", domain: .range(1e-4...10, step: nil), defaultValue: .number(0.02)),
        ParameterSpec(name: "matrix.seed", summary: "seed of the random generator", domain: .range(0...9999, step: 1), defaultValue: .number(7)),
        ParameterSpec(
            name: "matrix.outlier", summary: "one weight set to this many standard deviations (0: none), at a seeded position",
            domain: .range(0...100, step: nil), defaultValue: .number(0)),
    ]

    /// The matrix the parameters describe.
    static func matrix(_ parameters: ParameterValues) throws -> Tensor {
        let rows = try parameters.integer("matrix.rows")
        let columns = try parameters.integer("matrix.cols")
        let std = Float(try parameters.number("matrix.std"))
        var generator = SeededGenerator(seed: UInt64(clamping: try parameters.integer("matrix.seed")))
        var matrix: Tensor
        if try parameters.word("matrix.init") == "uniform" {
            // U(-a, a) has standard deviation a / sqrt(3).
            let halfWidth = std * Float(3).squareRoot()
            matrix = Tensor.uniform(rows: rows, columns: columns, in: -halfWidth...halfWidth, using: &generator)
        } else {
            matrix = Tensor.normal(rows: rows, columns: columns, mean: 0, standardDeviation: std, using: &generator)
        }
        let outlier = Float(try parameters.number("matrix.outlier"))
        if outlier > 0, matrix.count > 0 {
            matrix.scalars[generator.nextIndex(below: matrix.count)] = outlier * std
        }
        return matrix
    }
}
