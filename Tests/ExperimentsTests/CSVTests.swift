import Experiments
import Stochastics
import Testing
import Tables

@Suite("CSV writing")
struct CSVTests {
    @Test("RFC 4180 quoting", arguments: [
        ("plain", "plain"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("two\nlines", "\"two\nlines\""),
        ("cr\r", "\"cr\r\""), ("", ""), ("算力", "算力"), ("semi;colon", "semi;colon"),
    ])
    func quoting(input: String, expected: String) {
        #expect(CSVFormat.quoted(input) == expected)
    }

    @Test("doubles: shortest round trip, integral without .0, no nan/inf", arguments: [
        (5.0, "5"), (-12.0, "-12"), (0.1, "0.1"), (1.0 / 3, "0.3333333333333333"), (1e-5, "1e-05"),
        (2.5e20, "2.5e+20"), (1e16, "1e+16"), (123456.0, "123456"), (-0.0, "0"), (0.0, "0"),
        (Double.nan, ""), (Double.infinity, ""), (-Double.infinity, ""), (Double.leastNonzeroMagnitude, "5e-324"),
    ])
    func doubles(x: Double, expected: String) {
        #expect(CSVFormat.double(x) == expected)
    }

    @Test("doubles read back to the same value")
    func roundTrip() {
        var g = SplitMix64(seed: 11)
        for _ in 0..<10_000 {
            let x = Double(bitPattern: g.next())
            guard x.isFinite else { continue }
            let text = CSVFormat.double(x)
            #expect(Double(text) == x || (x == 0 && Double(text) == 0), "\(x) → \(text)")
        }
    }

    @Test("doubles: Swift's description, less a trailing .0, whatever the magnitude")
    func sameTextAsDescription() {
        // The writer formats through `Double.write(to:)` into bytes; the documented rule is the
        // text of `description`. Random bit patterns cover every exponent; money-like values
        // (cents, millions) are what the files mostly hold.
        var g = SplitMix64(seed: 12)
        for k in 0..<20_000 {
            let x = k % 2 == 0 ? Double(bitPattern: g.next())
                : Double(Int64(bitPattern: g.next()) % 1_000_000_000_000) / 100
            guard x.isFinite, x != 0 else { continue }
            var expected = x.description
            if expected.hasSuffix(".0") { expected.removeLast(2) }
            #expect(CSVFormat.double(x) == expected, "\(x)")
        }
    }

    @Test("integers: every digit count and sign", arguments: [
        0, 7, -7, 10, -10, 99, 100, 123_456_789, -987_654_321_012, Int.max, Int.min, Int.min + 1,
    ])
    func integers(i: Int) {
        #expect(CSVValue.int(i).formatted == String(i))
    }

    @Test("rows: fields, empties, line ends")
    func rows() throws {
        let w = try CSVWriter(.memory)
        try w.writeRow([.text("a,b"), .int(-3), .double(2), .number(nil), .string(nil), .empty, .double(.nan)])
        try w.writeRow([.text("x")])
        try w.close()
        #expect(w.text == "\"a,b\",-3,2,,,,\nx\n")
        #expect(w.rowCount == 2)
    }

    @Test("the header comes from the schema; per-tier patterns expand in tier order")
    func header() {
        let h = OutputSchemas.firmsMonthly.header(tiers: ["h100", "b200"])
        #expect(Array(h.prefix(7)) == ["scenario", "point", "replication", "month", "firm", "business_model", "template"])
        #expect(Array(h[7..<20]) == ["cash_start", "revenue", "asset_sales", "debt_drawn", "equity_raised", "power_cost",
                                     "colocation_cost", "rent_in_cost", "fixed_opex", "interest", "capex",
                                     "debt_repaid", "cash_end"])
        #expect(Array(h.suffix(16)) == ["units_h100", "units_b200", "leased_h100", "leased_b200",
                                        "unpowered_h100", "unpowered_b200", "on_order_h100", "on_order_b200",
                                        "rented_in_h100", "rented_in_b200", "rented_overseas_h100", "rented_overseas_b200",
                                        "wholesale_out_h100", "wholesale_out_b200", "price_h100", "price_b200"])
        for c in ["commission_revenue", "server_sales", "refunds", "owned_mw", "building_mw", "colocation_kw"] {
            #expect(h.contains(c), "firms_monthly.csv lacks \(c)")
        }
        #expect(OutputSchemas.outcomes.header(tiers: []).prefix(8) == ["scenario", "point", "replication", "firm",
                                                                       "business_model", "template", "entry_month",
                                                                       "survived"])
        #expect(OutputSchemas.summary.header(tiers: []) == ["scenario", "point", "kind", "entity", "metric", "month",
                                                            "estimate", "ci95_low", "ci95_high", "p05", "p50", "p95"])
        #expect(OutputSchemas.survival.header(tiers: []).prefix(2) == ["scenario", "point"])
        #expect(OutputSchemas.market_monthlyHeaderStartsRight)
    }

    @Test("supply_monthly.csv has exactly the agreed columns")
    func supplyHeader() {
        #expect(OutputSchemas.supplyMonthly.header(tiers: ["h100"]).joined(separator: ",")
            == "scenario,point,replication,month,tier,region,capacity_units,ordered_units,shipped_units,delivered_units,"
            + "in_transit_units,backlog_units,cancelled_units,refunded,written_off,chip_price,lead_time_days")
    }

    @Test("market_monthly.csv has every figure MODEL.md §6 names")
    func marketColumnsOfTheContract() {
        let h = OutputSchemas.marketMonthly.header(tiers: [])
        // price indices, used-market price, chip price, backlog, lead time, units requested / lost / waiting /
        // installed / delivered unpowered, EFLOPS, active firms, entries, exits, units dumped, HHI
        let contract = ["price_index", "signed_price_index", "used_price", "chip_price", "backlog_units", "lead_time_days",
                        "units_requested", "units_lost", "units_waiting_end", "units_installed",
                        "units_delivered_unpowered", "eflops_fp16", "national_target_share", "active_firms", "entries",
                        "exits", "used_offered", "used_sold", "used_inventory", "hhi_units", "hhi_revenue"]
        for c in contract { #expect(h.contains(c), "market_monthly.csv lacks \(c)") }
        #expect(Set(h).count == h.count)
    }

    @Test("tier layout of a multi-point file: union in order of first appearance")
    func tierLayout() {
        let layout = TierLayout(tiersByPoint: [["a100", "h100"], ["h100", "b200"]])
        #expect(layout.names == ["a100", "h100", "b200"])
        #expect(layout.pointTier == [[0, 1, nil], [nil, 0, 1]])
    }
}

extension OutputSchemas {
    static var market_monthlyHeaderStartsRight: Bool {
        marketMonthly.header(tiers: []).prefix(5) == ["scenario", "point", "replication", "month", "tier"]
    }
}
