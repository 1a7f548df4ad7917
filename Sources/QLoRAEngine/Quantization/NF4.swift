/// NormalFloat 4-bit (QLoRA paper, sec. 3): the 16 values a NF4 code can stand for.
///
/// Weights of a trained network are close to normal, so the levels are quantiles of N(0, 1): each
/// of the 16 levels is about equally likely to be the nearest one to a weight. The paper's
/// construction is asymmetric so that 0 is exactly representable: 8 positive levels from the upper
/// half of the distribution, 7 negative ones from the lower half, and 0 itself.
public enum NF4 {
    /// The codebook of bitsandbytes (`get_4bit_type("nf4")`), codes 0...15 in order.
    public static let codebook: [Float] = [
        -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453,
        -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0,
        0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224,
        0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0,
    ]

    /// The outermost probability the paper's construction uses (bitsandbytes' `offset`).
    ///
    /// With 8 equal steps from here down to 0.5, the largest level is the quantile of 0.9677083,
    /// about 1.848 standard deviations; it was chosen so the tails are not wasted on rare values.
    public static let outermostProbability: Float = 0.9677083

    /// Rebuilds the codebook from normal quantiles, the way bitsandbytes' `create_normal_map` does.
    ///
    /// 8 positive levels are the quantiles at 9 evenly spaced probabilities from
    /// `outermostProbability` down to 0.5 (the last, 0.5, dropped: its quantile is 0); 7 negative
    /// levels are the negated quantiles at 8 evenly spaced probabilities over the same span (0.5
    /// dropped again), so their steps are wider; one level is 0. Sorted and divided by the largest, they
    /// land in [-1, 1]. The probabilities are spaced in float32 and the quantiles taken in
    /// double precision, then stored as float32, exactly as the reference does; the result equals
    /// `codebook` bit for bit.
    public static func fromNormalQuantiles(outermostProbability: Float = outermostProbability) -> [Float] {
        let positiveProbabilities = PyTorchFloat32.linspace(from: outermostProbability, to: 0.5, count: 9).dropLast()
        let negativeProbabilities = PyTorchFloat32.linspace(from: outermostProbability, to: 0.5, count: 8).dropLast()
        let positive = positiveProbabilities.map { Float(NormalDistribution.quantile(Double($0))) }
        let negative = negativeProbabilities.map { Float(-NormalDistribution.quantile(Double($0))) }
        let levels = (positive + [0] + negative).sorted()
        let largest = levels.max() ?? 1
        return levels.map { $0 / largest }
    }
}
