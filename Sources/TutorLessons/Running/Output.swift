/// What a live block shows: plain data that every front end draws in its own way.
///
/// The runner is the one code path that computes a block's outputs; the terminal tutor,
/// `--check` and `run` only present them. Nothing here knows about terminals.
public enum Output: Equatable {
    /// A line or paragraph of plain text.
    case text(String)
    /// A table of cells, already formatted.
    case table(OutputTable)
    /// One matrix of values drawn as a heatmap.
    case heatmap(Heatmap)
    /// Heatmaps drawn side by side on one shared colour scale.
    case heatmaps([Heatmap])
    /// A histogram, optionally with marked levels (a codebook's values).
    case histogram(Histogram)
    /// One or more lines over a shared x axis (loss curves).
    case series(Series)
    /// Memory, part by part, with the capacities it is compared against.
    case memory(MemoryBreakdown)
}

/// A table of already formatted cells.
public struct OutputTable: Equatable {
    /// How a column's cells line up.
    public enum Alignment: Equatable, Sendable { case left, right }

    public var title: String?
    public var headers: [String]
    public var alignments: [Alignment]
    public var rows: [[String]]

    public init(title: String? = nil, headers: [String], alignments: [Alignment]? = nil, rows: [[String]]) {
        self.title = title
        self.headers = headers
        self.alignments = alignments ?? headers.map { _ in .left }
        self.rows = rows
    }
}

/// A matrix of values to draw as colours.
public struct Heatmap: Equatable {
    /// How values map to colours.
    public enum Scale: Equatable, Sendable {
        /// Non-negative magnitudes from `0...maximum` (viridis).
        case magnitude(maximum: Float)
        /// Signed values in `-limit...limit` around zero (a diverging map).
        case signed(limit: Float)
    }

    public var title: String
    public var rows: Int
    public var columns: Int
    /// Row-major values; `values.count == rows * columns`.
    public var values: [Float]
    public var scale: Scale
    /// The quantization block, in rows and columns, when a grid should be drawn over the cells.
    public var blockGrid: (rows: Int, columns: Int)?

    public init(title: String, rows: Int, columns: Int, values: [Float], scale: Scale, blockGrid: (rows: Int, columns: Int)? = nil) {
        self.title = title
        self.rows = rows
        self.columns = columns
        self.values = values
        self.scale = scale
        self.blockGrid = blockGrid
    }

    public static func == (lhs: Heatmap, rhs: Heatmap) -> Bool {
        lhs.title == rhs.title && lhs.rows == rhs.rows && lhs.columns == rhs.columns && lhs.values == rhs.values
            && lhs.scale == rhs.scale && lhs.blockGrid?.rows == rhs.blockGrid?.rows
            && lhs.blockGrid?.columns == rhs.blockGrid?.columns
    }
}

/// Counts of values in equal-width bins.
public struct Histogram: Equatable {
    public var title: String
    /// The lower edge of the first bin and the upper edge of the last.
    public var range: ClosedRange<Float>
    public var counts: [Int]
    /// Values to mark on the axis, such as a codebook's levels scaled to the data.
    public var markers: [Float]

    public init(title: String, range: ClosedRange<Float>, counts: [Int], markers: [Float] = []) {
        self.title = title
        self.range = range
        self.counts = counts
        self.markers = markers
    }
}

/// Lines over a shared x axis, such as the loss of several training runs.
public struct Series: Equatable {
    /// One named line; `values[i]` is the y value at x = `i`.
    public struct Line: Equatable, Sendable {
        public var name: String
        public var values: [Float]
        public init(name: String, values: [Float]) {
            self.name = name
            self.values = values
        }
    }

    /// Which value of each line the legend names beside it.
    public enum LegendValue: Equatable, Sendable {
        /// The latest value: where a training curve has got to.
        case last
        /// The largest value: what a memory timeline must have room for.
        case peak
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var lines: [Line]
    public var legendValue: LegendValue

    public init(title: String, xLabel: String, yLabel: String, lines: [Line], legendValue: LegendValue = .last) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.lines = lines
        self.legendValue = legendValue
    }
}

/// Memory, part by part, against the capacities of common devices.
public struct MemoryBreakdown: Equatable {
    /// One part of the total: weights, gradients, optimizer states, activations, ...
    public struct Part: Equatable, Sendable {
        public var name: String
        public var bytes: Double
        public init(name: String, bytes: Double) {
            self.name = name
            self.bytes = bytes
        }
    }

    public var title: String
    public var parts: [Part]
    /// Device capacities in bytes to draw as marks, such as 24 GB.
    public var capacities: [Double]

    public init(title: String, parts: [Part], capacities: [Double] = []) {
        self.title = title
        self.parts = parts
        self.capacities = capacities
    }

    /// The sum of every part.
    public var totalBytes: Double { parts.reduce(0) { $0 + $1.bytes } }
}

extension Output: Sendable {}
extension OutputTable: Sendable {}
extension Heatmap: Sendable {}
extension Histogram: Sendable {}
extension Series: Sendable {}
extension MemoryBreakdown: Sendable {}
