import Testing
@testable import MarketModel
import Stochastics

/// The Bertrand–Edgeworth step's rivals come from running sums and a bisection
/// (``SpareBook/rivals(of:undercutBelow:factor:)``); they must be the very numbers the scan it
/// replaced adds up: the cheapest rivals, less the firm itself, until the first whose undercut
/// price is not below the firm's.
@Suite("Rivals with spare capacity: bisection and running sums against the scan")
struct SpareBookTests {
    /// The scan the book replaces, as it was written in the pricing rule.
    static func scan(_ sorted: [(firm: ProviderID, price: Double, units: Double)], of j: ProviderID,
                     below price: Double, factor: Double) -> (units: Double, value: Double) {
        var units = 0.0, value = 0.0
        for r in sorted where r.firm != j {
            guard factor * r.price < price else { break }
            units += r.units
            value += r.units * r.price
        }
        return (units, value)
    }

    @Test("the same bits as the scan for every firm, in the book or not, at prices below, inside and above it")
    func sameBitsAsTheScan() {
        var draws = SplitMix64(seed: 20261207)   // the same books on every run
        var compared = 0, inside = 0
        for round in 0..<400 {
            let firms = 1 + Int(draws.next() % 60)
            var rows: [(firm: ProviderID, price: Double, units: Double)] = []
            for f in 0..<firms where draws.nextUnit() < 0.7 {
                // Prices on a coarse grid in some rounds, so ties (and ties at the cut) occur.
                let p = round % 3 == 0 ? Double(1 + draws.next() % 5) : 5 + 20 * draws.nextUnit()
                rows.append((ProviderID(f), p, 0.1 + 300 * draws.nextUnit()))
            }
            rows.sort { $0.price < $1.price }
            let book = SpareBook(rows, firms: firms)
            let factor = 1 - 0.9 * draws.nextUnit()
            for f in 0..<firms {
                for price in [0.5, 3.0, 7 + 20 * draws.nextUnit(), 50, factor * (rows.first?.price ?? 1)] {
                    let j = ProviderID(f)
                    let got = book.rivals(of: j, undercutBelow: price, factor: factor)
                    let want = Self.scan(rows, of: j, below: price, factor: factor)
                    #expect(got.units.bitPattern == want.units.bitPattern && got.value.bitPattern == want.value.bitPattern,
                            "round \(round), firm \(f), price \(price): \(got) against \(want)")
                    compared += 1
                    if let place = rows.firstIndex(where: { $0.firm == j }), factor * rows[place].price < price,
                       place + 1 < rows.count, factor * rows[place + 1].price < price { inside += 1 }
                }
            }
        }
        // The cases that need the continued sum (the firm inside the taken rivals, more after it) occurred.
        #expect(compared > 10_000 && inside > 1_000, "\(compared) compared, \(inside) with the firm inside")
    }

    @Test("an empty book has no rivals; a firm outside the table has none of its own to skip")
    func emptyAndOutside() {
        let empty = SpareBook([], firms: 3)
        #expect(empty.rivals(of: ProviderID(1), undercutBelow: 10, factor: 0.95) == (0, 0))
        let rows: [(firm: ProviderID, price: Double, units: Double)] = [(ProviderID(0), 2, 5), (ProviderID(1), 4, 3)]
        let book = SpareBook(rows, firms: 2)
        #expect(book.rivals(of: ProviderID(7), undercutBelow: 10, factor: 1) == (8, 22))
        #expect(book.rivals(of: ProviderID(0), undercutBelow: 10, factor: 1) == (3, 12))
        #expect(book.rivals(of: ProviderID(1), undercutBelow: 4, factor: 1) == (5, 10))
    }
}
