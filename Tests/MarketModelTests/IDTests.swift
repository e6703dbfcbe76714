@testable import MarketModel
import Testing

@Suite struct IDTests {
    /// IDs are as small as the `Int32` indices they replaced: an event is two of them and its tag.
    @Test func eventsAndIDsStaySmall() {
        #expect(MemoryLayout<TierID>.size == MemoryLayout<Int32>.size)
        #expect(MemoryLayout<MarketEvent>.size == 2 * MemoryLayout<Int32>.size + 1)
    }

    /// A range of IDs walks a list in order, and a table reads and writes by ID like the array it wraps.
    @Test func rangesAndTablesIndexByID() {
        let tiers = [Fixtures.h100, Fixtures.domestic]
        #expect(tiers.ids.map(\.index) == [0, 1])
        #expect(tiers[TierID(1)].name == "ascend-910b")
        var units = TierTable(repeating: 0, count: 2)
        units[TierID(1)] += 5
        #expect(units.values == [0, 5] && Array(units.indices) == [TierID(0), TierID(1)])
    }
}
