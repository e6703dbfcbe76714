import Testing
import MarketModel
import Stochastics
@testable import ScenarioModule

/// A small valid scenario that sets every key of the supply side and of the business models
/// beyond `owner` to a value other than its default. Tests edit it by key path; no line number matters.
let supplied = """
name: supplied
start: 2024-01
horizon_months: 24
currency: CNY
tiers:
  - {name: h800, tflops: 989, power_kw: 1.275, purchase_cost: 280000, reference_price: 30}
  - {name: h20, tflops: 148, power_kw: 0.6, purchase_cost: 110000, reference_price: 9}
regions:
  - {name: east, jurisdiction: cn, electricity_price: 0.65}
  - {name: abroad, jurisdiction: intl, electricity_price: 0.5}
demand:
  segments:
    - {name: training, rate: 12, tier: h800, reservation_price: 35, buy_share: 0.2}
providers:
  - name: cloud
    region: east
    cash: 1e8
    owned_mw: 2.5
    fleet:
      - {tier: h800, units: 64, leased_share: 0.5}
  - name: seller
    model: hybrid
    region: abroad
    cash: 5e7
    colocation_kw: 300
    expands: false
    fleet:
      - {tier: h20, units: 32}
  - name: reseller
    model: sublessor
    region: east
    cash: 2e7
    rent_in:
      - {tier: h800, units: 16, lessor: cloud, price: 20, term_months: 36, elapsed_months: 6}
      - {tier: h20, units: 8}
  - name: platform
    model: broker
    region: east
    cash: 1e6
    affiliates: [cloud, seller]
entrants:
  - name: neocloud
    weight: 3
    region: abroad
    cash: 4e7
    first_order: [{tier: h20, units: 64}]
    prices: {h20: 8}
  - {name: hub, model: broker, region: east, cash: 1e6, affiliates: [cloud]}
supply:
  - {tier: h20, jurisdiction: intl, monthly_capacity: 500, capacity_growth: 0.2, allocation: pro-rata, premium: 0.3, max_backlog_months: 12, transit_days: {dist: uniform, min: 20, max: 40}}
  - {tier: h20, jurisdiction: cn, monthly_capacity: 1000, grey_import: {premium: 1.5, share: 0.1}}
  - {tier: h800, jurisdiction: cn, monthly_capacity: 200}
shocks:
  - {kind: export_ban, tier: h800, jurisdiction: cn, from: 2023-10}
  - {kind: supply, tier: h20, jurisdiction: cn, from: 2025-04, capacity_factor: 0}
  - {kind: supply, tier: h20, jurisdiction: intl, from: 2024-06, capacity_factor: 0.5}
  - {kind: demand, from: 2024-03, multiplier: 2}
datacentres: {cost_per_mw: 9e7, build_months: {dist: uniform, min: 9, max: 15}, facility_life_years: 20, colocation_per_kw_month: 700, min_build_mw: 2}
expansion: {kappa: 2, tech_decline: 0.3, supply_line_weight: 1, hurdle: 1.5, order_fraction: 0.5, prefer_colocation: false}
sublease: {wholesale_discount: 0.2, wholesale_share: 0.4, rent_in_term_months: 12, broker_commission: 0.1, hybrid_markup: 0.2, overseas: [{name: abroad-cloud, tier: h20, units: 64, price: 6.5, jurisdiction: sg}]}
entry: {max_rate: 4, median_return: -0.25, return_spread: 0.2, premium: [{from: 2023-06, share: 2}, {from: 2024-07, share: 0.5}], max_entrants: 20}
starvation: {refused_share: 0.6}
national: {target_eflops: 120, leasing_coverage_share: 0.05}

"""

/// Chip supply, supply shocks, data centres, expansion, sublease, entry, starvation, the national
/// target, and the keys of sublessors, brokers, hybrids and entrants: decoding, defaults, every
/// validation rule with its exact message, overrides, draws and `explain`.
@Suite struct SupplyKeysTests {
    func scenario(_ yaml: String = supplied, overrides: [String] = []) throws -> Scenario {
        try ScenarioLoader.load(yaml: yaml, path: "t.yaml", overrides: overrides)
            .instantiate(replication: 0, plan: SeedPlan(masterSeed: 1)).scenario
    }

    @Test func defaultsAreSwiftDefaults() throws {
        let s = try scenario(minimal)
        #expect(s.chipSupply.isEmpty && s.supplyShocks.isEmpty && s.entrants.isEmpty)
        let d = DataCentreParameters()
        #expect(s.dataCentres.costPerMW == d.costPerMW && s.dataCentres.buildMonths == d.buildMonths)
        #expect(s.dataCentres.facilityLifeYears == d.facilityLifeYears && s.dataCentres.colocationPerKWMonth == d.colocationPerKWMonth)
        #expect(s.dataCentres.minBuildMW == d.minBuildMW)
        let x = ExpansionParameters()
        #expect(s.expansion.kappa == x.kappa && s.expansion.techDecline == x.techDecline)
        #expect(s.expansion.supplyLineWeight == x.supplyLineWeight && s.expansion.hurdle == x.hurdle)
        #expect(s.expansion.orderFraction == x.orderFraction && s.expansion.preferColocation == x.preferColocation)
        let b = SubleaseParameters()
        #expect(s.sublease.wholesaleDiscount == b.wholesaleDiscount && s.sublease.rentInTermMonths == b.rentInTermMonths)
        #expect(s.sublease.brokerCommission == b.brokerCommission && s.sublease.hybridMarkup == b.hybridMarkup)
        let e = EntryParameters()
        #expect(s.entry.maxRate == e.maxRate && s.entry.medianReturn == e.medianReturn && s.entry.returnSpread == e.returnSpread)
        #expect(s.entry.premium.isEmpty && s.entry.maxEntrants == e.maxEntrants)
        let v = StarvationParameters()
        #expect(s.starvation.refusedShare == v.refusedShare)
        let plain = Scenario(name: "x", start: s.start, horizonMonths: 1, currency: "CNY", tiers: [], regions: [], segments: [], providers: [])
        #expect(s.nationalTargetEFLOPS == plain.nationalTargetEFLOPS && s.leasingCoverageShare == plain.leasingCoverageShare)
        #expect(s.segments[0].buyShare == 0)
        let p = s.providers[0].supply, q = ProviderSupplySpec()
        #expect(p.ownedMW == q.ownedMW && p.colocationKW == q.colocationKW && p.expands == q.expands)
        #expect(p.rentIn.isEmpty && p.affiliates.isEmpty && s.providers[0].template == nil)
    }

    @Test func chipSupplyAndShocks() throws {
        let s = try scenario()
        #expect(s.chipSupply.count == 3)
        let intl = s.chipSupply[0], cn = s.chipSupply[1]
        #expect(intl.tier == 1 && intl.jurisdiction == "intl" && intl.monthlyCapacity == 500 && intl.capacityGrowth == 0.2)
        #expect(intl.allocation == .proRata && intl.premium == 0.3 && intl.maxBacklogMonths == 12)
        #expect(intl.transitDays == .uniform(min: 20, max: 40) && intl.greyPremium == nil && intl.greyShare == 0)
        #expect(cn.tier == 1 && cn.jurisdiction == "cn" && cn.capacityGrowth == 0 && cn.allocation == .inOrder)
        #expect(cn.premium == 0.1 && cn.maxBacklogMonths == 24 && cn.transitDays == .constant(value: 30))
        #expect(cn.greyPremium == 1.5 && cn.greyShare == 0.1)
        // An export ban is a supply shock with capacity factor 0; one dated before the start is kept as dated.
        #expect(s.supplyShocks.map(\.tier) == [0, 1, 1])
        #expect(s.supplyShocks.map(\.jurisdiction) == ["cn", "cn", "intl"])
        #expect(s.supplyShocks.map(\.from) == [YearMonth(year: 2023, month: 10), YearMonth(year: 2025, month: 4), YearMonth(year: 2024, month: 6)])
        #expect(s.supplyShocks.map(\.capacityFactor) == [0, 0, 0.5])
        #expect(s.shocks.count == 1)
        if case .demand(nil, let from, nil, 2) = s.shocks[0] { #expect(from == YearMonth(year: 2024, month: 3)) } else { Issue.record("demand shock") }
    }

    /// A ban's terms and the chance it is relaxed: decoded onto the supply shock, defaults 1, 0, none.
    @Test func aBansTermsAndItsRelaxation() throws {
        let plain = try scenario()
        #expect(plain.supplyShocks.allSatisfy { $0.refundShare == 1 && $0.penaltyMonths == 0 && $0.priceMarkup == 0 })
        #expect(plain.supplyShocks.allSatisfy { $0.relaxation.probability == 0 && $0.relaxation.from == nil && $0.relaxation.priceMarkup == 0 })
        let s = try scenario(supplied.replacingEntry(at: "shocks[1]", with: """
            - {kind: supply, tier: h20, jurisdiction: cn, from: 2025-04, capacity_factor: 0, refund_share: 0.6, penalty_months: 2, relax_probability: 0.5, relax_from: 2025-08, relax_price_markup: 0.15}
            """))
        let ban = s.supplyShocks[1]
        #expect(ban.refundShare == 0.6 && ban.penaltyMonths == 2 && ban.priceMarkup == 0)
        #expect(ban.relaxation.probability == 0.5 && ban.relaxation.from == YearMonth(year: 2025, month: 8))
        #expect(ban.relaxation.priceMarkup == 0.15)
        // A probability of 0 (the default) is no relaxation, whatever the month.
        let never = try scenario(supplied.replacingEntry(at: "shocks[1]", with: """
            - {kind: export_ban, tier: h20, jurisdiction: cn, from: 2025-04, relax_from: 2025-08}
            """))
        #expect(never.supplyShocks[1].relaxation.probability == 0 && never.supplyShocks[1].capacityFactor == 0)
    }

    @Test func marketWideSections() throws {
        let s = try scenario()
        #expect(s.dataCentres.costPerMW == 9e7 && s.dataCentres.buildMonths == .uniform(min: 9, max: 15))
        #expect(s.dataCentres.facilityLifeYears == 20 && s.dataCentres.colocationPerKWMonth == 700 && s.dataCentres.minBuildMW == 2)
        #expect(s.expansion.kappa == 2 && s.expansion.techDecline == 0.3 && s.expansion.supplyLineWeight == 1)
        #expect(s.expansion.hurdle == 1.5 && s.expansion.orderFraction == 0.5 && !s.expansion.preferColocation)
        #expect(s.sublease.wholesaleDiscount == 0.2 && s.sublease.rentInTermMonths == 12)
        #expect(s.sublease.brokerCommission == 0.1 && s.sublease.hybridMarkup == 0.2)
        #expect(s.sublease.wholesaleShare == 0.4 && s.sublease.overseas.count == 1)
        #expect(s.sublease.overseas.first.map { ($0.name, $0.tier, $0.units, $0.price, $0.jurisdiction) }
                    .map { $0 == ("abroad-cloud", 1, 64, 6.5, "sg") } == true)
        #expect(s.entry.maxRate == 4 && s.entry.medianReturn == -0.25 && s.entry.returnSpread == 0.2 && s.entry.maxEntrants == 20)
        #expect(s.entry.premium.map(\.from) == [YearMonth(year: 2023, month: 6), YearMonth(year: 2024, month: 7)])
        #expect(s.entry.premium.map(\.share) == [2, 0.5])
        #expect(s.starvation.refusedShare == 0.6)
        #expect(s.nationalTargetEFLOPS == 120 && s.leasingCoverageShare == 0.05)
        #expect(s.segments[0].buyShare == 0.2)
    }

    @Test func businessModels() throws {
        let s = try scenario()
        #expect(s.providers.map(\.model) == [.owner, .hybrid, .sublessor, .broker])
        #expect(s.providers[0].supply.ownedMW == 2.5 && s.providers[0].supply.expands)
        #expect(s.providers[1].supply.colocationKW == 300 && !s.providers[1].supply.expands)
        let r = s.providers[2].supply.rentIn
        #expect(r.count == 2)
        #expect(r[0].tier == 0 && r[0].units == 16 && r[0].lessor == 0 && r[0].price == 20 && r[0].termMonths == 36 && r[0].elapsedMonths == 6)
        // From the market, at the default price, for sublease.rent_in_term_months.
        #expect(r[1].tier == 1 && r[1].units == 8 && r[1].lessor == nil && r[1].price == nil && r[1].termMonths == 12 && r[1].elapsedMonths == 0)
        #expect(s.providers[3].supply.affiliates == [0, 1] && s.providers[3].fleet.isEmpty)
        #expect(s.providers.allSatisfy { $0.template == nil })
    }

    @Test func entrantTemplates() throws {
        let s = try scenario()
        #expect(s.entrants.map(\.name) == ["neocloud", "hub"])
        let n = s.entrants[0]
        #expect(n.weight == 3 && n.firstOrder.map(\.tier) == [1] && n.firstOrder.map(\.units) == [64])
        #expect(n.provider.name == "neocloud" && n.provider.template == "neocloud" && n.provider.model == .owner)
        #expect(n.provider.region == 1 && n.provider.jurisdiction == "intl" && n.provider.cash == 4e7)
        #expect(n.provider.initialPrices == [1: 8] && n.provider.fleet.isEmpty && n.provider.supply.rentIn.isEmpty)
        #expect(n.provider.pricing == .adaptive && n.provider.visibility == 0.5 && n.provider.supply.expands)
        let h = s.entrants[1]
        #expect(h.weight == 1 && h.firstOrder.isEmpty && h.provider.model == .broker && h.provider.supply.affiliates == [0])
        #expect(h.provider.jurisdiction == "cn" && h.provider.template == "hub")
    }

    static let cases: [(label: String, yaml: String, expected: [String])] = [
        malformedCase("supply: unknown tier", supplied.replacingEntry(at: "supply[2]", with: "- {tier: h900, jurisdiction: cn, monthly_capacity: 200}")) { at in
            ["t.yaml:\(at("supply[2]")):12: error: supply[2].tier: unknown tier 'h900' (did you mean 'h800'?); the tiers are h800, h20"]
        },
        malformedCase("supply: unknown jurisdiction", supplied.replacingEntry(at: "supply[2]", with: "- {tier: h800, jurisdiction: cm, monthly_capacity: 200}")) { at in
            ["t.yaml:\(at("supply[2]")):32: error: supply[2].jurisdiction: unknown jurisdiction 'cm' (did you mean 'cn'?); the jurisdictions of the regions and firms are cn, intl"]
        },
        malformedCase("supply: a pair twice", supplied.inserting("- {tier: h800, jurisdiction: cn, monthly_capacity: 100}", after: "supply[2]")) { at in
            ["t.yaml:\(at("supply[3]")):5: error: supply[3]: the supply of h800 to cn is listed twice (lines \(at("supply[2]")) and \(at("supply[3]")))"]
        },
        malformedCase("supply: ranges and choices", supplied.replacingEntry(at: "supply[2]", with: "- {tier: h800, jurisdiction: cn, monthly_capacity: -1, allocation: fifo}")) { at in
            ["t.yaml:\(at("supply[2]")):54: error: supply[2].monthly_capacity: expected a number in [0, 1e8], got '-1'",
             "t.yaml:\(at("supply[2]")):70: error: supply[2].allocation: expected one of in-order, pro-rata, largest-first, got 'fifo'"]
        },
        malformedCase("supply: grey imports", supplied.replacingEntry(at: "supply[1]", with: "- {tier: h20, jurisdiction: cn, monthly_capacity: 1000, grey_import: {premium: 0.5}}")) { at in
            ["t.yaml:\(at("supply[1]")):72: error: supply[1].grey_import: missing required key 'share'; expected a number in [0, 1]",
             "t.yaml:\(at("supply[1]")):82: error: supply[1].grey_import.premium: expected a number in [1, 100], got '0.5'"]
        },
        malformedCase("supply shocks", supplied
            .replacingEntry(at: "shocks[0]", with: "- {kind: export_ban, tier: h800, jurisdiction: cn, from: 2026-01, capacity_factor: 0}")
            .replacingEntry(at: "shocks[1]", with: "- {kind: supply, tier: h2O, jurisdiction: us, from: 2025-04}")
            .replacingEntry(at: "shocks[2]", with: "- {kind: supply, segment: training, tier: h20, jurisdiction: intl, from: 2024-06, capacity_factor: 11}")) { at in
            let s0 = at("shocks[0]"), s1 = at("shocks[1]"), s2 = at("shocks[2]")
            return ["t.yaml:\(s0):60: error: shocks[0].from: expected a month no later than 2025-12 (the last of the horizon; a supply shock may predate the start), got '2026-01'",
                    "t.yaml:\(s0):69: error: shocks[0]: 'capacity_factor' applies only when kind is supply, not 'export_ban'",
                    "t.yaml:\(s1):5: error: shocks[1]: missing required key 'capacity_factor'; expected a number in [0, 10]",
                    "t.yaml:\(s1):26: error: shocks[1].tier: unknown tier 'h2O' (did you mean 'h20'?); the tiers are h800, h20",
                    "t.yaml:\(s1):45: error: shocks[1].jurisdiction: unknown jurisdiction 'us'; the jurisdictions of the regions and firms are cn, intl",
                    "t.yaml:\(s2):20: error: shocks[2]: 'segment' applies only when kind is demand, default or mass_default, not 'supply'",
                    "t.yaml:\(s2):102: error: shocks[2].capacity_factor: expected a number in [0, 10], got '11'"]
        },
        malformedCase("a ban's terms and relaxation", supplied
            .replacingEntry(at: "shocks[1]", with: "- {kind: export_ban, tier: h20, jurisdiction: cn, from: 2025-04, relax_probability: 0.5, refund_share: 1.5}")
            .replacingEntry(at: "shocks[2]", with: "- {kind: supply, tier: h20, jurisdiction: intl, from: 2024-06, capacity_factor: 0, relax_probability: 1, relax_from: 2024-05}")
            .replacingEntry(at: "shocks[3]", with: "- {kind: demand, from: 2024-03, multiplier: 2, relax_from: 2024-09}")) { at in
            let s1 = at("shocks[1]"), s2 = at("shocks[2]"), s3 = at("shocks[3]")
            return ["t.yaml:\(s1):87: error: shocks[1].relax_probability: a relax_probability above 0 needs relax_from, the month the shock would be undone",
                    "t.yaml:\(s1):106: error: shocks[1].refund_share: expected a number in [0, 1], got '1.5'",
                    "t.yaml:\(s2):120: error: shocks[2].relax_from: expected a month after from (2024-06), got '2024-05'",
                    "t.yaml:\(s3):50: error: shocks[3]: 'relax_from' applies only when kind is supply or export_ban, not 'demand'"]
        },
        malformedCase("a demand shock may not predate the start", supplied.replacingEntry(at: "shocks[3]", with: "- {kind: demand, from: 2023-03, multiplier: 2}")) { at in
            ["t.yaml:\(at("shocks[3]")):26: error: shocks[3].from: expected a month from 2024-01 to 2025-12 (inside the horizon), got '2023-03'"]
        },
        malformedCase("colocation beyond a region's space, and a build with no size or time",
                      supplied.replacingEntry(at: "regions[1]", with: "- {name: abroad, jurisdiction: intl, electricity_price: 0.5, colocation_mw: 0.2}")
                        .inserting("builds: [{mw: 0, months_left: 0}]", after: "providers[cloud].owned_mw")) { at in
            ["t.yaml:\(at("regions[1]")):79: error: regions[abroad].colocation_mw: the providers in abroad start with 300 kW of colocation_kw, more than its 200 kW; raise colocation_mw or lower their colocation_kw",
             "t.yaml:\(at("providers[cloud].builds")):19: error: providers[cloud].builds[0].mw: expected a number in (0, 100000], got '0'",
             "t.yaml:\(at("providers[cloud].builds")):35: error: providers[cloud].builds[0].months_left: expected a number in (0, 600], got '0'"]
        },
        malformedCase("rent_in on an owner", supplied.inserting("rent_in: [{tier: h800, units: 1}]", after: "providers[cloud].owned_mw")) { at in
            ["t.yaml:\(at("providers[cloud].rent_in")):14: error: providers[cloud].rent_in: only a sublessor rents capacity in; this firm's model is owner"]
        },
        malformedCase("rent_in lessors", supplied.inserting("""
            - {tier: h800, units: 1, lessor: clod}
            - {tier: h800, units: 1, lessor: platform}
            - {tier: h800, units: 1, lessor: seller}
            """, after: "providers[reseller].rent_in[1]")) { at in
            ["t.yaml:\(at("providers[reseller].rent_in[2]")):40: error: providers[reseller].rent_in[2].lessor: unknown lessor 'clod' (did you mean 'cloud'?); expected market or a provider (cloud, seller, reseller, platform)",
             "t.yaml:\(at("providers[reseller].rent_in[3]")):40: error: providers[reseller].rent_in[3].lessor: 'platform' is a broker; a lessor is an owner or hybrid (or market)",
             "t.yaml:\(at("providers[reseller].rent_in[4]")):40: error: providers[reseller].rent_in[4].lessor: 'seller' holds no h800 units at the start, so it cannot lease them out"]
        },
        malformedCase("rent_in beyond the lessor's free units, elapsed against the default term",
                      supplied.inserting("- {tier: h800, units: 17, lessor: cloud, elapsed_months: 12}", after: "providers[reseller].rent_in[1]")) { at in
            ["t.yaml:\(at("providers[reseller].rent_in[2]")):29: error: providers[reseller].rent_in[2].units: 'cloud' has 32 h800 units not leased at the start, but rent_in from it adds up to 33",
             "t.yaml:\(at("providers[reseller].rent_in[2]")):64: error: providers[reseller].rent_in[2].elapsed_months: expected less than term_months (12), got '12'"]
        },
        malformedCase("rent_in term and price", supplied.inserting("- {tier: h20, units: 1, lessor: market, term_months: 6, elapsed_months: 6, price: 0}", after: "providers[reseller].rent_in[1]")) { at in
            ["t.yaml:\(at("providers[reseller].rent_in[2]")):79: error: providers[reseller].rent_in[2].elapsed_months: expected less than term_months (6), got '6'",
             "t.yaml:\(at("providers[reseller].rent_in[2]")):89: error: providers[reseller].rent_in[2].price: expected a number in (0, 1000000], got '0'"]
        },
        malformedCase("a broker with a fleet and no affiliates", supplied.replacingEntry(at: "providers[platform].affiliates", with: "fleet: [{tier: h800, units: 8}]")) { at in
            ["t.yaml:\(at("providers[platform]")):5: error: providers[platform].affiliates: a broker needs at least one affiliate: an owner or hybrid whose free units it resells",
             "t.yaml:\(at("providers[platform].fleet")):12: error: providers[platform].fleet: a broker holds no units: its fleet must be empty (it resells its affiliates' units)"]
        },
        malformedCase("affiliates", supplied.replacingValue(at: "providers[platform].affiliates", with: "[cloud, reseller, cloud, cluod]")
            .replacingEntry(at: "providers[seller].expands", with: "affiliates: [cloud]")) { at in
            let seller = at("providers[seller].affiliates"), platform = at("providers[platform].affiliates")
            return ["t.yaml:\(seller):17: error: providers[seller].affiliates: only a broker has affiliates; this firm's model is hybrid",
                    "t.yaml:\(platform):25: error: providers[platform].affiliates[1]: 'reseller' is a sublessor; a broker's affiliates are owners or hybrids",
                    "t.yaml:\(platform):35: error: providers[platform].affiliates[2]: provider 'cloud' is listed twice",
                    "t.yaml:\(platform):42: error: providers[platform].affiliates[3]: unknown provider 'cluod' (did you mean 'cloud'?); the providers are cloud, seller, reseller, platform"]
        },
        malformedCase("names left to the market and to entrants", supplied.replacingValue(at: "providers[platform].name", with: "market")
            .replacingValue(at: "providers[reseller].name", with: "neocloud-2")) { at in
            ["t.yaml:\(at("providers[neocloud-2].name")):11: error: providers[neocloud-2].name: the name 'neocloud-2' is left to entrants of template 'neocloud' (named neocloud-1, neocloud-2, …); choose another",
             "t.yaml:\(at("providers[market].name")):11: error: providers[market].name: the name 'market' is reserved (a rent_in lessor of market means the market); choose another"]
        },
        malformedCase("entry without a template", supplied.replacingValue(at: "entrants", with: "[]")) { at in
            ["t.yaml:\(at("entry.max_rate")):19: error: entry.max_rate: entry needs at least one template under entrants when max_rate is above 0; add one, or set max_rate to 0"]
        },
        malformedCase("premium dates", supplied.replacingValue(at: "entry", with: "{max_rate: 4, premium: [{from: 2024-07, share: 2}, {from: 2024-07, share: 0.5}, {from: 2026-01, share: 1}]}")) { at in
            ["t.yaml:\(at("entry.premium[1]")):66: error: entry.premium[1].from: expected a month after 2024-07 (line \(at("entry.premium[0]"))): premium dates increase down the list, got '2024-07'",
             "t.yaml:\(at("entry.premium[2]")):95: error: entry.premium[2].from: expected a month no later than 2025-12 (the last of the horizon), got '2026-01'"]
        },
        malformedCase("entrant orders", supplied.replacingValue(at: "entrants[neocloud].first_order", with: "[{tier: h800, units: 64}, {tier: h20, units: 0}]")
            .replacingEntry(at: "entrants[hub]", with: "- {name: hub, model: broker, region: east, cash: 1e6, affiliates: [cloud], first_order: [{tier: h20, units: 1}]}")) { at in
            let order = at("entrants[neocloud].first_order"), hub = at("entrants[hub]")
            return ["t.yaml:\(order):26: error: entrants[neocloud].first_order[0].tier: no supply of h800 to intl, so an entrant could never receive it; add {tier: h800, jurisdiction: intl, …} under supply",
                    "t.yaml:\(order):63: error: entrants[neocloud].first_order[1].units: expected an integer in [1, 1e7], got '0'",
                    "t.yaml:\(hub):91: error: entrants[hub].first_order: a broker orders no units: its first_order must be empty (it resells its affiliates' units)"]
        },
        malformedCase("an entrant with debt",
                      supplied.replacingEntry(at: "entrants[hub]", with: "- {name: hub, model: broker, region: east, cash: 1e6, affiliates: [cloud], debt: 5e5}")) { at in
            ["t.yaml:\(at("entrants[hub]")):84: error: entrants[hub].debt: an entrant starts without debt, expected 0: it raises its cash as equity at entry and borrows by the finance rules (up to ltv_cap of its units' value) once it holds units; a loan at entry would have no collateral and be swept back at once"]
        },
        malformedCase("a sublessor entrant without a first_order",
                      supplied.replacingEntry(at: "entrants[hub]", with: "- {name: hub, model: sublessor, region: east, cash: 1e6}")) { at in
            ["t.yaml:\(at("entrants[hub]")):5: error: entrants[hub].first_order: a sublessor entrant needs a first_order, the units it rents in from the market at entry: with no capacity it is asked for nothing, so it would never rent any in"]
        },
        // A sublessor rents its first_order from the market, so it needs no vendor supply (h800 has none to intl).
        malformedCase("a sublessor entrant's first_order needs no supply",
                      supplied.replacingEntry(at: "entrants[hub]", with: "- {name: hub, model: sublessor, region: abroad, cash: 1e6, first_order: [{tier: h800, units: 8}]}")
                          .replacingValue(at: "entry", with: "{max_rate: 4, premium: [{from: 2024-07, share: 2}, {from: 2024-07, share: 0.5}]}")) { at in
            ["t.yaml:\(at("entry.premium[1]")):66: error: entry.premium[1].from: expected a month after 2024-07 (line \(at("entry.premium[0]"))): premium dates increase down the list, got '2024-07'"]
        },
        malformedCase("entrant keys", supplied.replacingValue(at: "entrants[neocloud].prices", with: "{h2O: 8}")
            .replacingEntry(at: "entrants[hub]", with: "- {name: hub, model: broker, region: west, cash: 1e6, affiliates: [hub], fleet: [], rent_in: []}")) { at in
            let hub = at("entrants[hub]")
            return ["t.yaml:\(at("entrants[neocloud].prices")):14: error: entrants[neocloud].prices.h2O: unknown tier 'h2O' (did you mean 'h20'?); the tiers are h800, h20",
                    "t.yaml:\(hub):40: error: entrants[hub].region: unknown region 'west' (did you mean 'east'?); the regions are east, abroad",
                    "t.yaml:\(hub):70: error: entrants[hub].affiliates[0]: unknown provider 'hub'; the providers are cloud, seller, reseller, platform",
                    "t.yaml:\(hub):76: error: entrants[hub]: unknown key 'fleet'",
                    "t.yaml:\(hub):87: error: entrants[hub]: unknown key 'rent_in'"]
        },
        malformedCase("market-wide ranges", supplied.replacingValue(at: "expansion", with: "{hurdle: 0.9, supply_line_weight: 1.5, order_fraction: 0}")
            .replacingValue(at: "starvation", with: "{refused_share: 2}")) { at in
            let expansion = at("expansion"), starvation = at("starvation")
            return ["t.yaml:\(expansion):21: error: expansion.hurdle: expected a number in [1, 100], got '0.9'",
                    "t.yaml:\(expansion):46: error: expansion.supply_line_weight: expected a number in [0, 1], got '1.5'",
                    "t.yaml:\(expansion):67: error: expansion.order_fraction: expected a number in (0, 1], got '0'",
                    "t.yaml:\(starvation):29: error: starvation.refused_share: expected a number in [0, 1], got '2'"]
        },
        malformedCase("policy is a map", supplied + "policy: [vouchers]\n") { at in
            ["t.yaml:\(at("policy")):9: error: policy: expected a map of vouchers, price_caps, got a list"]
        },
    ]

    @Test(arguments: cases.indices)
    func malformed(_ i: Int) {
        let c = Self.cases[i]
        #expect(headers(c.yaml) == c.expected, "\(c.label)")
    }

    @Test func overrides() throws {
        let s = try scenario(overrides: ["expansion.supply_line_weight=0", "supply[2].grey_import={premium: 3, share: 0.05}",
                                         "entrants[neocloud].weight=2", "providers[reseller].rent_in[0].units=10",
                                         "shocks[1].capacity_factor=0.5", "entry.premium[0].share=3", "national.target_eflops=200"])
        #expect(s.expansion.supplyLineWeight == 0 && s.chipSupply[2].greyPremium == 3 && s.chipSupply[2].greyShare == 0.05)
        #expect(s.entrants[0].weight == 2 && s.providers[2].supply.rentIn[0].units == 10)
        #expect(s.supplyShocks[1].capacityFactor == 0.5 && s.entry.premium[0].share == 3 && s.nationalTargetEFLOPS == 200)
        // Sections absent from the file are created.
        let m = try scenario(minimal, overrides: ["expansion.supply_line_weight=1", "starvation.refused_share=0.5"])
        #expect(m.expansion.supplyLineWeight == 1 && m.starvation.refusedShare == 0.5)
    }

    @Test func drawnPerReplication() throws {
        let yaml = supplied.replacingValue(at: "sublease", with: "{rent_in_term_months: {dist: uniform, min: 6, max: 18, per: replication}}")
            .replacingValue(at: "expansion", with: "{supply_line_weight: {dist: uniform, min: 0, max: 1, per: replication}}")
        let doc = try ScenarioLoader.load(yaml: yaml, path: "t.yaml")
        #expect(doc.perReplicationKeys == ["expansion.supply_line_weight", "sublease.rent_in_term_months"])
        for r in 0..<3 {
            let (s, params) = doc.instantiate(replication: r, plan: SeedPlan(masterSeed: 7))
            #expect(s.expansion.supplyLineWeight == params[0].value && s.sublease.rentInTermMonths == params[1].value)
            // A rent-in contract without a term takes this replication's draw.
            #expect(s.providers[2].supply.rentIn[1].termMonths == params[1].value && s.providers[2].supply.rentIn[0].termMonths == 36)
        }
    }

    @Test func resolvedYAMLRoundTrips() throws {
        let doc = try ScenarioLoader.load(yaml: supplied, path: "t.yaml")
        let again = try ScenarioLoader.load(yaml: doc.resolvedYAML, path: "r.yaml")
        #expect(again.resolvedYAML == doc.resolvedYAML)
        #expect(doc.resolvedYAML.contains("  - kind: export_ban\n    tier: h800\n    jurisdiction: cn\n    from: 2023-10\n"))
        #expect(doc.resolvedYAML.contains("    grey_import: null\n") && doc.resolvedYAML.contains("    term_months: 12\n"))
    }

    @Test func explain() throws {
        #expect(ScenarioSchema.explain("entrants[neocloud].cash")?.contains("  Cash at entry.\n") == true)
        #expect(ScenarioSchema.explain("providers[0].cash")?.contains("  Cash at the start.\n") == true)
        let grey = try #require(ScenarioSchema.explain("supply[0].grey_import"))
        #expect(grey.contains("  default: none\n") && grey.contains("    premium ") && grey.contains("    share "))
        #expect(ScenarioSchema.explain("shocks[].capacity_factor")?.contains("Only for kind supply.") == true)
        #expect(ScenarioSchema.explain("entrants[0].fleet") == nil && ScenarioSchema.explain("entrants.rent_in") == nil)
        #expect(ScenarioSchema.schemaPath(of: "providers[reseller].rent_in[1].lessor") == "providers[].rent_in[].lessor")
        #expect(ScenarioSchema.schemaPath(of: "entrants[neocloud].prices.h20") == "entrants[].prices.*")
    }
}
