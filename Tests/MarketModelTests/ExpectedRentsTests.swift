import Foundation
import Testing
@testable import MarketModel

/// The closed form of ``ExpectedRents`` against the month-by-month sum it replaced.
struct ExpectedRentsTests {
    /// Σ_{m=a…b} ((p_e(τ)·u − c_h)·h − c_m)/(1 + ρ)^τ, τ = t0 + m/12, one month at a time.
    static func bruteForce(p: Double, lr: Double, u: Double, ch: Double, cm: Double, h: Double, rho: Double,
                           g: Double, kappa: Double, t0: Double, a: Int, b: Int) -> Double {
        guard b >= a else { return 0 }
        var v = 0.0
        for m in a...b {
            let tau = t0 + Double(m) / 12
            let pe = lr * pow(1 - g, tau) + (p - lr) * exp(-kappa * tau)
            v += ((pe * u - ch) * h - cm) / pow(1 + rho, tau)
        }
        return v
    }

    @Test(arguments: [
        // p, lr, u, c_h, c_m, ρ, g, κ, t0, a, b
        (20.0, 12.0, 0.85, 1.2, 300.0, 0.10, 0.25, 0.8, 0.0, 1, 72),
        (8.0, 14.0, 0.50, 0.9, 0.0, 0.15, 0.30, 1.5, 0.4, 1, 60),
        (5.0, 5.0, 1.00, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1, 12),      // every ratio is 1
        (30.0, 10.0, 0.70, 2.0, 50.0, 1e-9, 0.0, 2.0, 1.25, 3, 40), // ρ next to 0
        (12.0, 9.0, 0.90, 1.0, 100.0, 0.08, 0.2, 0.5, 0.0, 13, 13), // one month
        (12.0, 9.0, 0.90, 1.0, 100.0, 0.08, 0.2, 0.5, 0.0, 5, 4),   // none
    ])
    func closedFormEqualsTheMonthlySum(_ c: (Double, Double, Double, Double, Double, Double, Double, Double, Double, Int, Int)) {
        let h = daysPerMonth * hoursPerDay
        let rents = ExpectedRents(now: c.0, longRun: c.1, utilisation: c.2, costPerHour: c.3, costPerMonth: c.4,
                                  hours: h, rho: c.5, techDecline: c.6, kappa: c.7, offsetYears: c.8)
        let closed = rents.presentValue(months: c.9, through: c.10)
        let brute = Self.bruteForce(p: c.0, lr: c.1, u: c.2, ch: c.3, cm: c.4, h: h, rho: c.5, g: c.6, kappa: c.7,
                                    t0: c.8, a: c.9, b: c.10)
        #expect(abs(closed - brute) <= 1e-9 * Swift.max(1, abs(brute)), "closed \(closed) vs sum \(brute)")
    }
}
