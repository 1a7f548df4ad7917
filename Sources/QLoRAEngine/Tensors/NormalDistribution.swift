import Foundation

/// The standard normal distribution N(0, 1), as far as NF4 needs it.
public enum NormalDistribution {
    /// The cumulative distribution function Φ(x) = P(Z ≤ x), through the complementary error function.
    public static func cumulativeProbability(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }

    /// The quantile function Φ⁻¹(p) (scipy's `norm.ppf`), accurate to double precision.
    ///
    /// Acklam's rational approximation gets within 1.2e-9 relative error; one Halley step on
    /// Φ(x) - p, with Φ through `erfc`, brings it to full double precision. Returns -inf for 0,
    /// +inf for 1 and NaN outside [0, 1].
    public static func quantile(_ p: Double) -> Double {
        guard p > 0, p < 1 else {
            if p == 0 { return -.infinity }
            if p == 1 { return .infinity }
            return .nan
        }
        // Upper half by symmetry: 1 - p is exact there, and Φ(x) near 1 would lose digits to
        // cancellation in Φ(x) - p, where the lower tail keeps them.
        if p > 0.5 { return -quantile(1 - p) }
        let estimate = acklamQuantile(p)
        // Halley's method on f(x) = Φ(x) - p, whose derivative is the density φ(x).
        let error = cumulativeProbability(estimate) - p
        let step = error * (2 * Double.pi).squareRoot() * exp(estimate * estimate / 2)
        return estimate - step / (1 + estimate * step / 2)
    }

    /// Acklam's rational approximation of Φ⁻¹ for p ≤ 0.5: a lower tail and a central region.
    private static func acklamQuantile(_ p: Double) -> Double {
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                 -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                 3.754408661907416e+00]
        let lowTail = 0.02425
        if p < lowTail {
            let q = (-2 * log(p)).squareRoot()
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        let q = p - 0.5
        let r = q * q
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
            / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    }
}
