/// A dense, row-major tensor of 32-bit floats.
///
/// The engine keeps one numeric type on purpose: every weight a lesson shows starts as float32,
/// the precision bitsandbytes quantizes from, so every result is reproducible bit for bit.
public struct Tensor: Equatable {
    /// The extent of each dimension, outermost first.
    public var shape: [Int]
    /// The values in row-major order; `scalars.count` is the product of `shape`.
    public var scalars: [Float]

    /// Creates a tensor from values laid out row-major.
    ///
    /// - Precondition: `shape` multiplies out to `scalars.count`.
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        precondition(shape.reduce(1, *) == scalars.count, "shape \(shape) does not hold \(scalars.count) values")
        self.shape = shape
        self.scalars = scalars
    }

    /// Creates a tensor of the given shape filled with one value.
    public init(shape: [Int], repeating value: Float = 0) {
        self.init(shape: shape, scalars: Array(repeating: value, count: shape.reduce(1, *)))
    }

    /// The number of values the tensor holds.
    public var count: Int { scalars.count }

    /// The number of rows when the tensor is read as a matrix: every dimension but the last.
    public var rows: Int { shape.count <= 1 ? 1 : shape.dropLast().reduce(1, *) }

    /// The number of columns when the tensor is read as a matrix: the last dimension.
    public var columns: Int { shape.last ?? 1 }

    /// The value at a row and column of the tensor read as a matrix.
    public subscript(row: Int, column: Int) -> Float {
        get { scalars[row * columns + column] }
        set { scalars[row * columns + column] = newValue }
    }
}

extension Tensor {
    /// A `rows` x `columns` matrix of values drawn from N(`mean`, `standardDeviation`²).
    public static func normal(
        rows: Int, columns: Int, mean: Float = 0, standardDeviation: Float = 1,
        using generator: inout SeededGenerator
    ) -> Tensor {
        var values = [Float](repeating: 0, count: rows * columns)
        for index in values.indices {
            values[index] = mean + standardDeviation * generator.nextNormal()
        }
        return Tensor(shape: [rows, columns], scalars: values)
    }

    /// A `rows` x `columns` matrix of values drawn uniformly from `range`.
    public static func uniform(
        rows: Int, columns: Int, in range: ClosedRange<Float>, using generator: inout SeededGenerator
    ) -> Tensor {
        var values = [Float](repeating: 0, count: rows * columns)
        for index in values.indices {
            values[index] = generator.nextUniform(in: range)
        }
        return Tensor(shape: [rows, columns], scalars: values)
    }
}

extension Tensor: Sendable {}
