import Foundation

/// Units of one tier offered in the used market: one lot per seller and vintage. A lot stays
/// the seller's (an exited firm's lots are its liquidator's) until a buyer pays for it.
struct UsedLot: Sendable, Equatable {
    var units: Int
    /// Day the units were first bought new (their age runs from it).
    var purchaseDay: Double
    /// The seller's book cost per unit (for the disposal when the lot sells).
    var unitCost: Double
    /// The selling firm (for an exited firm, its liquidator acting for its creditors).
    var seller: Int
    /// Whether the lot is still on the seller's books (an active firm's units held for sale);
    /// an exited firm's units were written off at its exit.
    var booked: Bool
}

/// A buyer's bid in one tier: up to `units` units at up to `limit` per unit of the reference
/// age (a unit of another age is priced by its remaining-life factor).
struct UsedBid: Sendable, Equatable {
    var firm: Int
    var units: Int
    var limit: Double
}

/// One lot's units going to one bid.
struct UsedFill: Sendable, Equatable {
    var bid: Int
    var lot: Int
    var units: Int
}

/// The monthly call auction of one tier's used market, aggregated by lot and bid, so its cost
/// grows with the number of lots and bids, never with the number of units.
enum UsedClearing {
    struct Result: Sendable, Equatable {
        var fills: [UsedFill]
        /// The uniform price per reference-age unit when units traded, else nil.
        var price: Double?
        var unitsSold: Int
    }

    /// Clears `bids` against `lots` at the sellers' common `ask` (per reference-age unit).
    ///
    /// Bids at or above the ask are served in order of limit, highest first (ties in bid
    /// order); each takes units from the lots in order (oldest offer first). Every buyer pays
    /// one price: the ask when the supply covers every such bid, else the limit of the highest
    /// bid left (partly) unserved, the price at which demand no longer exceeds supply. So no
    /// buyer pays above its limit and no seller sells below the ask.
    static func clear(lots: [UsedLot], bids: [UsedBid], ask: Double) -> Result {
        let order = bids.indices.filter { bids[$0].limit >= ask && bids[$0].units > 0 }
            .sorted { bids[$0].limit != bids[$1].limit ? bids[$0].limit > bids[$1].limit : $0 < $1 }
        var left = lots.map(\.units)
        var lot = 0
        var fills: [UsedFill] = []
        var sold = 0
        var marginal: Double? = nil
        for b in order {
            var want = bids[b].units
            while want > 0 && lot < left.count {
                if left[lot] == 0 { lot += 1; continue }
                let n = Swift.min(want, left[lot])
                fills.append(UsedFill(bid: b, lot: lot, units: n))
                left[lot] -= n
                want -= n
                sold += n
            }
            if want > 0 {
                marginal = bids[b].limit
                break
            }
        }
        guard sold > 0 else { return Result(fills: [], price: nil, unitsSold: 0) }
        return Result(fills: fills, price: Swift.max(ask, marginal ?? ask), unitsSold: sold)
    }
}

/// How the value of a unit depends on its age: a unit earns a rent that falls with the
/// technology frontier (g a year) for the rest of its physical life, discounted at ρ. Its value
/// is proportional to the annuity A(n) = Σ_{k=1}^{12n} q^k, q = ((1 − g)/(1 + ρ))^{1/12}, over its
/// remaining n years; a unit of age a is worth A(L − a)/A(L − a_ref) units of the reference age.
struct RemainingLife: Sendable {
    /// q, the monthly factor.
    let q: Double
    /// Physical life L, years.
    let life: Double
    /// Reference age a_ref, years, at which the used price is quoted.
    let reference: Double
    private let referenceAnnuity: Double

    init(discountRate rho: Double, decline g: Double, life: Double, reference: Double) {
        q = pow(Swift.max(0, 1 - g) / (1 + rho), 1.0 / 12)
        self.life = life
        self.reference = Swift.min(reference, life / 2)
        referenceAnnuity = Self.annuity(q: q, years: life - self.reference)
    }

    /// A(n) = q(1 − q^{12n})/(1 − q), with 12n months (continuous in n); 0 for n ≤ 0.
    static func annuity(q: Double, years n: Double) -> Double {
        guard n > 0 else { return 0 }
        if abs(1 - q) < 1e-12 { return 12 * n }
        return q * (1 - pow(q, 12 * n)) / (1 - q)
    }

    /// Months' worth of discounted rent left in a unit of the reference age.
    var referenceMonths: Double { referenceAnnuity }

    /// The value of a unit of age `a` in units of the reference age.
    func factor(age a: Double) -> Double {
        referenceAnnuity > 0 ? Self.annuity(q: q, years: life - a) / referenceAnnuity : 0
    }
}
