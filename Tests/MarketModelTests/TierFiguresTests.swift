import Testing
import MarketModel

/// A firm-month's per-tier figures live in one array (``TierFigures``); the record's per-tier
/// arrays are views of it and must read back exactly what was set.
@Suite("Per-tier figures of a firm-month in one array")
struct TierFiguresTests {
    @Test("each figure and price reads back as set, the others untouched; no price reads nil")
    func readBack() {
        var r = FirmMonthRecord(firm: 0, month: 0)
        #expect(r.perTier.tierCount == 0 && r.units.isEmpty && r.listPrice.isEmpty)
        r.units = [3, 0, 7]
        #expect(r.perTier.tierCount == 3)
        r.unitsLeased = [1, 0, 5]
        r.unitsUnpowered = [0, 2, 0]
        r.unitsOnOrder = [10, 11, 12]
        r.unitsRentedIn = [4, 4, 4]
        r.unitsRentedOverseas = [1, 0, 2]
        r.unitsWholesaleOut = [0, 0, 9]
        r.listPrice = [2.25, nil, -0.0]
        #expect(r.units == [3, 0, 7] && r.unitsLeased == [1, 0, 5] && r.unitsUnpowered == [0, 2, 0])
        #expect(r.unitsOnOrder == [10, 11, 12] && r.unitsRentedIn == [4, 4, 4])
        #expect(r.unitsRentedOverseas == [1, 0, 2] && r.unitsWholesaleOut == [0, 0, 9])
        #expect(r.listPrice.map { $0?.bitPattern } == [Double(2.25).bitPattern, nil, Double(-0.0).bitPattern])
        #expect(r.perTier[.onOrder, 2] == 12 && r.perTier[.wholesaleOut, 2] == 9)
        // A NaN price is a price, not "none".
        r.perTier.setPrice(1, .nan)
        #expect(r.perTier.price(1)?.isNaN == true)
        r.perTier.setPrice(1, nil)
        #expect(r.perTier.price(1) == nil)
    }

    @Test("a new record of n tiers has zero counts and no prices")
    func fresh() {
        let f = TierFigures(tiers: 2)
        for figure in TierFigures.Figure.allCases { #expect(f.values(figure) == [0, 0]) }
        #expect(f.price(0) == nil && f.price(1) == nil)
    }
}
