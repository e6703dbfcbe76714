import MarketModel
import Stochastics

/// One key drawn once per replication: `{dist: …, per: replication}`.
struct DrawnKey: Sendable {
    let path: String
    let distribution: Distribution
    let range: ValueRange
    let integer: Bool
}

/// Builds a `Scenario` from a checked tree, with this replication's draws.
struct ScenarioBuilder {
    let root: RNode
    let draws: [String: Double]

    // MARK: Reading values

    func num(_ n: RNode) -> Double {
        switch n.value {
        case .number(let v): return v
        case .integer(let i): return Double(i)
        case .distribution(.constant(let v)): return v
        case .drawn: return draws[n.path] ?? 0
        default: return 0
        }
    }

    func int(_ n: RNode) -> Int {
        switch n.value {
        case .integer(let i): return i
        case .drawn: return Int(draws[n.path] ?? 0)
        default: return Int(num(n))
        }
    }

    func dist(_ n: RNode) -> Distribution {
        switch n.value {
        case .distribution(let d): return d
        case .drawn: return .constant(value: draws[n.path] ?? 0)
        default: return .constant(value: num(n))
        }
    }

    func bool(_ n: RNode) -> Bool {
        if case .bool(let b) = n.value { return b }
        return false
    }

    // MARK: The scenario

    func build() -> Scenario {
        let tierNodes = root["tiers"].items
        let tierIndex = Dictionary(tierNodes.enumerated().map { ($1["name"].text ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        let regionNodes = root["regions"].items
        let regionIndex = Dictionary(regionNodes.enumerated().map { ($1["name"].text ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        let segmentNodes = root["demand"]["segments"].items
        let segmentIndex = Dictionary(segmentNodes.enumerated().map { ($1["name"].text ?? "", $0) }, uniquingKeysWith: { a, _ in a })

        let tiers = tierNodes.map { t -> HardwareTier in
            let life = num(t["life_years"])
            let phys = t["physical_life_years"].isNull ? life + 2 : max(num(t["physical_life_years"]), life)
            return HardwareTier(name: t["name"].text ?? "", tflops: num(t["tflops"]), eta: num(t["eta"]),
                                portingPenalty: num(t["porting_penalty"]), powerKW: num(t["power_kw"]),
                                purchaseCost: num(t["purchase_cost"]), lifeYears: life, physicalLifeYears: phys,
                                usedDecline: num(t["used_decline"]), referencePrice: num(t["reference_price"]),
                                release: t["release"].month)
        }
        let regions = regionNodes.map { r in
            Region(name: r["name"].text ?? "", jurisdiction: r["jurisdiction"].text ?? "",
                   electricityPrice: num(r["electricity_price"]), pue: num(r["pue"]))
        }
        let segments = segmentNodes.map { s -> Segment in
            let g = s["growth"]
            var rate = num(s["rate"])
            let growth: DemandGrowth
            if g["kind"].text == "logistic" {
                rate = max(rate, 1e-6)   // a drawn starting rate of 0 would make K/λ0 infinite
                growth = .logistic(rate: num(g["rate"]), ceiling: num(g["ceiling"]))
            } else {
                growth = .exponential(rate: num(g["rate"]))
            }
            var segment = Segment(name: s["name"].text ?? "", rate: rate, growth: growth,
                               tier: tierIndex[s["tier"].text ?? ""] ?? 0,
                               substitutes: s["substitutes"].items.compactMap { tierIndex[$0.text ?? ""] },
                               units: dist(s["units"]), termMonths: dist(s["term_months"]),
                               reservationPrice: dist(s["reservation_price"]), priceSensitivity: dist(s["price_sensitivity"]),
                               maxWaitDays: dist(s["max_wait_days"]), takeOrPayShare: num(s["take_or_pay_share"]),
                               defaultHazard: num(s["default_hazard"]), recoveryRate: num(s["recovery_rate"]),
                               renewProbability: num(s["renew_probability"]), outsideOption: bool(s["outside_option"]))
            segment.buyShare = num(s["buy_share"])
            return segment
        }
        let providerNodes = root["providers"].items
        let providerIndex = Dictionary(providerNodes.enumerated().map { ($1["name"].text ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        let rentInTerm = num(root["sublease"]["rent_in_term_months"])
        /// A firm from a provider or an entrant template (which has no fleet and no rent-in contracts).
        func firm(_ p: RNode) -> ProviderSpec {
            let region = regionIndex[p["region"].text ?? ""] ?? 0
            var prices: [Int: Double] = [:]
            for f in p["prices"].fields { if let t = tierIndex[f.key] { prices[t] = num(f.node) } }
            var spec = ProviderSpec(
                name: p["name"].text ?? "", model: BusinessModel(rawValue: p["model"].text ?? "") ?? .owner,
                region: region, jurisdiction: p["jurisdiction"].text ?? (regions.indices.contains(region) ? regions[region].jurisdiction : ""),
                cash: num(p["cash"]), debt: num(p["debt"]),
                fleet: p["fleet"].items.map { c in
                    FleetCohort(tier: tierIndex[c["tier"].text ?? ""] ?? 0, units: int(c["units"]), ageMonths: int(c["age_months"]),
                                leasedShare: num(c["leased_share"]))
                },
                initialPrices: prices, pricing: PricingPolicy(rawValue: p["pricing"].text ?? "") ?? .adaptive,
                visibility: num(p["visibility"]), reputation: num(p["reputation"]), costOfCapital: num(p["cost_of_capital"]),
                fixedOpexMonthly: num(p["fixed_opex_monthly"]), opexPerUnitMonthly: num(p["opex_per_unit_monthly"]),
                ltvCap: num(p["ltv_cap"]), minCash: num(p["min_cash"]), parentSupport: num(p["parent_support"]),
                softBudget: bool(p["soft_budget"]), floatingRate: bool(p["floating_rate"]), interestRate: num(p["interest_rate"]))
            spec.supply.ownedMW = num(p["owned_mw"])
            spec.supply.colocationKW = num(p["colocation_kw"])
            spec.supply.expands = bool(p["expands"])
            spec.supply.rentIn = p["rent_in"].items.map { r in
                let lessor = r["lessor"].text ?? "market"
                return RentInSpec(tier: tierIndex[r["tier"].text ?? ""] ?? 0, units: int(r["units"]),
                                  lessor: lessor == ScenarioSchema.marketLessor ? nil : providerIndex[lessor],
                                  price: r["price"].isNull ? nil : num(r["price"]),
                                  termMonths: r["term_months"].isNull ? rentInTerm : num(r["term_months"]),
                                  elapsedMonths: num(r["elapsed_months"]))
            }
            spec.supply.affiliates = p["affiliates"].items.compactMap { providerIndex[$0.text ?? ""] }
            return spec
        }
        let providers = providerNodes.map(firm)
        let entrants = root["entrants"].items.map { e -> EntrantTemplate in
            var spec = firm(e)
            spec.template = spec.name
            return EntrantTemplate(name: spec.name, provider: spec,
                                   firstOrder: e["first_order"].items.map { (tier: tierIndex[$0["tier"].text ?? ""] ?? 0, units: int($0["units"])) },
                                   weight: num(e["weight"]))
        }
        var shocks: [Shock] = []
        var supplyShocks: [SupplyShock] = []
        var policy = PolicyParameters()
        for s in root["shocks"].items {
            guard let from = s["from"].month else { continue }
            let segment = s["segment"].text.flatMap { segmentIndex[$0] }
            switch s["kind"].text {
            case "demand": shocks.append(.demand(segment: segment, from: from, to: s["to"].month, multiplier: num(s["multiplier"])))
            case "default": shocks.append(.defaultHazard(segment: segment, from: from, to: s["to"].month, multiplier: num(s["multiplier"])))
            case "base_rate": shocks.append(.baseRate(from: from, rate: num(s["rate"])))
            case "supply", "export_ban":
                supplyShocks.append(SupplyShock(tier: tierIndex[s["tier"].text ?? ""] ?? 0, jurisdiction: s["jurisdiction"].text ?? "",
                                                from: from, capacityFactor: s["kind"].text == "supply" ? num(s["capacity_factor"]) : 0))
            case "electricity":
                policy.siteShocks.append(SiteShock(region: regionIndex[s["region"].text ?? ""] ?? 0, from: from,
                                                   electricityMultiplier: num(s["multiplier"])))
            case "pue":
                policy.siteShocks.append(SiteShock(region: regionIndex[s["region"].text ?? ""] ?? 0, from: from,
                                                   pueMultiplier: num(s["multiplier"])))
            case "mass_default":
                policy.massDefaults.append(MassDefault(segment: segment, at: from, share: num(s["share"])))
            default: break
            }
        }
        let pol = root["policy"]
        policy.vouchers = pol["vouchers"].items.compactMap { v -> VoucherProgramme? in
            guard let from = v["from"].month else { return nil }
            return VoucherProgramme(name: v["name"].text ?? "", region: regionIndex[v["region"].text ?? ""] ?? 0,
                                    segments: v["segments"].items.compactMap { segmentIndex[$0.text ?? ""] },
                                    share: num(v["share"]), from: from, to: v["to"].month, budget: num(v["budget"]),
                                    lagMonths: int(v["lag_months"]))
        }
        policy.priceCaps = pol["price_caps"].items.compactMap { c -> PriceCap? in
            guard let from = c["from"].month else { return nil }
            return PriceCap(tier: c["tier"].text.flatMap { tierIndex[$0] }, from: from, to: c["to"].month, cap: num(c["cap"]))
        }
        let chipSupply = root["supply"].items.map { c -> ChipSupply in
            let grey = c["grey_import"]
            return ChipSupply(tier: tierIndex[c["tier"].text ?? ""] ?? 0, jurisdiction: c["jurisdiction"].text ?? "",
                              monthlyCapacity: num(c["monthly_capacity"]), capacityGrowth: num(c["capacity_growth"]),
                              allocation: AllocationPolicy(rawValue: c["allocation"].text ?? "") ?? .inOrder,
                              premium: num(c["premium"]), maxBacklogMonths: num(c["max_backlog_months"]),
                              transitDays: dist(c["transit_days"]),
                              greyPremium: grey.isNull ? nil : num(grey["premium"]), greyShare: grey.isNull ? 0 : num(grey["share"]))
        }

        var pricing = PricingParameters()
        let pr = root["pricing"]
        pricing.kU = num(pr["k_u"])
        pricing.kX = num(pr["k_x"])
        pricing.indexWeight = num(pr["index_weight"])
        pricing.targetUtilisation = num(pr["target_utilisation"])
        pricing.capMultiple = num(pr["cap_multiple"])
        pricing.costPlusMarkup = num(pr["cost_plus_markup"])
        pricing.undercut = num(pr["undercut"])
        pricing.termDiscounts = pr["term_discounts"].items.map { (months: num($0["months"]), discount: num($0["discount"])) }
            .sorted { $0.months < $1.months }
        pricing.visibilitySlope = num(pr["visibility_slope"])
        pricing.idlePowerShare = num(pr["idle_power_share"])

        var contracts = ContractParameters()
        let co = root["contracts"]
        contracts.cancelHazard = num(co["cancel_hazard"])
        contracts.cancelHazardSlope = num(co["cancel_hazard_slope"])
        contracts.cancelFeeMonths = num(co["cancel_fee_months"])

        var finance = FinanceParameters()
        finance.baseRate = num(root["finance"]["base_rate"])
        finance.debtTermMonths = int(root["finance"]["debt_term_months"])

        var exit = ExitParameters()
        let ex = root["exit"]
        exit.lossQuarters = int(ex["loss_quarters"])
        exit.fireSaleMaxDiscount = num(ex["fire_sale_max_discount"])
        exit.marketDepthShare = num(ex["market_depth_share"])
        exit.usedStockShare = num(ex["used_stock_share"])

        var limits = Limits()
        limits.maxEvents = int(root["limits"]["max_events"])

        var scenario = Scenario(name: root["name"].text ?? "", description: root["description"].text ?? "",
                        start: root["start"].month ?? YearMonth(year: 2024, month: 1),
                        horizonMonths: int(root["horizon_months"]), currency: root["currency"].text ?? "",
                        tiers: tiers, regions: regions, segments: segments, providers: providers, shocks: shocks,
                        pricing: pricing, contracts: contracts, finance: finance, exit: exit, limits: limits)
        scenario.chipSupply = chipSupply
        scenario.supplyShocks = supplyShocks
        let dc = root["datacentres"]
        scenario.dataCentres.costPerMW = num(dc["cost_per_mw"])
        scenario.dataCentres.buildMonths = dist(dc["build_months"])
        scenario.dataCentres.facilityLifeYears = num(dc["facility_life_years"])
        scenario.dataCentres.colocationPerKWMonth = num(dc["colocation_per_kw_month"])
        scenario.dataCentres.minBuildMW = num(dc["min_build_mw"])
        let xp = root["expansion"]
        scenario.expansion.kappa = num(xp["kappa"])
        scenario.expansion.techDecline = num(xp["tech_decline"])
        scenario.expansion.supplyLineWeight = num(xp["supply_line_weight"])
        scenario.expansion.hurdle = num(xp["hurdle"])
        scenario.expansion.orderFraction = num(xp["order_fraction"])
        scenario.expansion.preferColocation = bool(xp["prefer_colocation"])
        let sl = root["sublease"]
        scenario.sublease.wholesaleDiscount = num(sl["wholesale_discount"])
        scenario.sublease.rentInTermMonths = num(sl["rent_in_term_months"])
        scenario.sublease.brokerCommission = num(sl["broker_commission"])
        scenario.sublease.hybridMarkup = num(sl["hybrid_markup"])
        scenario.entrants = entrants
        let en = root["entry"]
        scenario.entry.maxRate = num(en["max_rate"])
        scenario.entry.marginThreshold = num(en["margin_threshold"])
        scenario.entry.hype = en["hype"].items.compactMap { h in h["from"].month.map { (from: $0, multiplier: num(h["multiplier"])) } }
        scenario.entry.maxEntrants = int(en["max_entrants"])
        scenario.starvation.dependenceShare = num(root["starvation"]["dependence_share"])
        scenario.starvation.minScalePFLOPS = num(root["starvation"]["min_scale_pflops"])
        scenario.nationalTargetEFLOPS = num(root["national"]["target_eflops"])
        scenario.leasingCoverageShare = num(root["national"]["leasing_coverage_share"])
        scenario.policy = policy
        return scenario
    }
}
