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
    /// Per-term coefficient at m = 0 and ratio per month.
    private let rentLR: Double, ratioLR: Double
    private let rentGap: Double, ratioGap: Double
    private let cost: Double, ratioCost: Double

    init(now p: Double, longRun lr: Double, utilisation u: Double, costPerHour: Double, costPerMonth: Double,
         hours h: Double, rho: Double, techDecline g: Double, kappa: Double, offsetYears t0: Double = 0) {
        let discount = 1 + rho
        let d0 = pow(discount, -t0)
        rentLR = u * lr * h * pow(Swift.max(0, 1 - g), t0) * d0
        ratioLR = pow(Swift.max(0, 1 - g) / discount, 1.0 / 12)
        rentGap = u * (p - lr) * h * exp(-kappa * t0) * d0
        ratioGap = exp(-kappa / 12) / pow(discount, 1.0 / 12)
        cost = (costPerHour * h + costPerMonth) * d0
        ratioCost = pow(discount, -1.0 / 12)
    }

    /// Σ_{m=a…b} of the discounted net rents (0 when b < a).
    func presentValue(months a: Int, through b: Int) -> Double {
        guard b >= a else { return 0 }
        return rentLR * Self.series(ratioLR, a, b) + rentGap * Self.series(ratioGap, a, b) - cost * Self.series(ratioCost, a, b)
    }

    /// Σ_{m=a…b} x^m.
    static func series(_ x: Double, _ a: Int, _ b: Int) -> Double {
        if abs(1 - x) < 1e-12 { return Double(b - a + 1) }
        return (pow(x, Double(a)) - pow(x, Double(b + 1))) / (1 - x)
    }
}
