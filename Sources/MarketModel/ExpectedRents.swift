import Foundation

/// The present value of a unit's expected monthly net rents, in closed form.
///
/// Month m ≥ 1 of a stream that starts `offset` years from now earns, at τ = offset + m/12,
/// (p_e(τ)·u − c_h)·h − c_m, with p_e(τ) = p_LR·(1 − g)^τ + (p̂ − p_LR)·e^(−κτ) the expected price
/// of the expansion rule, u the expected utilisation, c_h a cost per unit-hour (power), h the hours
/// of a month and c_m a cost per unit-month (opex); it is discounted by (1 + ρ)^(−τ). Each of the
/// three terms is a geometric series in m, so the value over months a…b costs a few `pow` calls
/// whatever the number of months (the loop over months it replaces was the largest share of the
/// monthly close).
struct ExpectedRents {
    /// Per-term coefficient at m = 0 and log of the ratio per month.
    private let rentLR: Double, logLR: Double
    private let rentGap: Double, logGap: Double
    private let cost: Double, logCost: Double

    init(now p: Double, longRun lr: Double, utilisation u: Double, costPerHour: Double, costPerMonth: Double,
         hours h: Double, rho: Double, techDecline g: Double, kappa: Double, offsetYears t0: Double = 0) {
        let logDiscount = log1p(rho)
        let logDecline = log1p(-g)   // g < 1 (the schema's range of expansion.tech_decline)
        let d0 = exp(-logDiscount * t0)
        rentLR = u * lr * h * exp(logDecline * t0) * d0
        logLR = (logDecline - logDiscount) / 12
        rentGap = u * (p - lr) * h * exp(-kappa * t0) * d0
        logGap = (-kappa - logDiscount) / 12
        cost = (costPerHour * h + costPerMonth) * d0
        logCost = -logDiscount / 12
    }

    /// Σ_{m=a…b} of the discounted net rents, a ≥ 1 (0 when b < a).
    func presentValue(months a: Int, through b: Int) -> Double {
        guard b >= a else { return 0 }
        return rentLR * Self.series(logLR, a, b) + rentGap * Self.series(logGap, a, b) - cost * Self.series(logCost, a, b)
    }

    /// Σ_{m=a…b} x^m for x = e^l, a ≥ 1: x^a·(x^n − 1)/(x − 1) with n = b − a + 1, through expm1 so
    /// that a ratio next to 1 (ρ, g and κ near 0) loses no precision.
    static func series(_ l: Double, _ a: Int, _ b: Int) -> Double {
        let n = Double(b - a + 1)
        if l == 0 { return n }
        return exp(Double(a) * l) * expm1(n * l) / expm1(l)
    }
}
