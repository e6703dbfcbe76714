import MarketModel

/// The scenario format as data: one table of every key, which drives decoding, unknown-key
/// errors, `--set`, `suanli explain` and docs/scenario-format.md.
///
/// Key paths use `[]` for "any entry of a list" and `*` for "any key of a map"; concrete paths in
/// messages use an index or a name: `demand.segments[0].rate`, `demand.segments[llm-training].rate`.
public enum ScenarioSchema {
    /// The `rent_in[].lessor` that means "rented from the market"; no provider may take this name.
    public static let marketLessor = "market"

    /// Keys an earlier version of the format had, by key path, with what replaced them: a file that
    /// still sets one gets the unknown-key error with this hint instead of a spelling guess.
    static let retiredKeys: [String: String] = [
        "entry.hype": "removed in issue 14: entry follows the expected return on new capacity; a dated capital-market premium is entry.premium (from, share)",
        "entry.margin_threshold": "removed in issue 14: entry follows the expected return on new capacity; set the hurdles with entry.median_return and entry.return_spread",
        "starvation.dependence_share": "removed in issue 14: starvation is a demand test; see starvation.refused_share",
        "starvation.min_scale_pflops": "removed in issue 14: starvation is a demand test; see starvation.refused_share",
    ]

    private static let money = ValueRange(0, 1e15)
    private static let share = ValueRange(0, 1)
    private static let hourPrice = ValueRange(0, 1e6, lowerOpen: true)
    private static let count7 = ValueRange(0, 1e7)
    private static let months = ValueRange(1, 600)

    /// Every key, parents before children, in the order resolved scenarios list them.
    public static let entries: [SchemaEntry] = runEntries + providerEntries + entrantEntries + supplyAndEventEntries + marketEntries

    /// The run, hardware, sites and demand.
    private static let runEntries: [SchemaEntry] = [
        // MARK: The run
        SchemaEntry("name", .name, default: .required,
                    bind: .at(\.scenario.name),
                    doc: "Scenario name: names the output folder Results/<name>/ and fills the `scenario` column of every CSV."),
        SchemaEntry("description", .text, default: .value("\"\""), count: 0...10_000,
                    bind: .at(\.scenario.description),
                    doc: "Free text for readers and manifests."),
        SchemaEntry("start", .month, default: .required, bind: .at(\.scenario.start),
                    doc: "First simulated month."),
        SchemaEntry("horizon_months", .integer, unit: "months", default: .required, range: months, drawable: false,
                    bind: .at(\.scenario.horizonMonths),
                    doc: "Number of simulated months."),
        SchemaEntry("currency", .name, default: .required,
                    bind: .at(\.scenario.currency),
                    doc: "Currency of every money amount (a label such as CNY or USD; nothing is converted)."),

        // MARK: Hardware
        SchemaEntry("tiers", .namedList, default: .required, count: 1...64,
                    bind: .tiers,
                    doc: "Catalogue of hardware tiers: one accelerator with its share of server and network."),
        SchemaEntry("tiers[].name", .name, default: .required, bind: .at(\.scenario.tiers, \.name),
                    doc: "Tier name, used by segments, fleets and prices."),
        SchemaEntry("tiers[].tflops", .number, unit: "TFLOPS", default: .required, range: ValueRange(0, 1e6, lowerOpen: true),
                    bind: .at(\.scenario.tiers, \.tflops),
                    doc: "Dense FP16 TFLOPS per accelerator."),
        SchemaEntry("tiers[].eta", .number, default: .value("1"), range: ValueRange(0, 1, lowerOpen: true),
                    bind: .at(\.scenario.tiers, \.eta),
                    doc: "Ecosystem efficiency η: the share of the TFLOPS a tenant's software gets (1 for CUDA tiers, lower for domestic ones). Effective performance for training is tflops·eta."),
        SchemaEntry("tiers[].memory_gb", .number, unit: "GB", default: .none, range: ValueRange(0, 1e5, lowerOpen: true),
                    bind: .at(\.scenario.tiers, \.memoryGB),
                    doc: "Memory per accelerator. Required for every tier an inference segment accepts: its tenants need as many units as hold their model and cache."),
        SchemaEntry("tiers[].bandwidth_tbs", .number, unit: "TB/s", default: .none, range: ValueRange(0, 1e4, lowerOpen: true),
                    bind: .at(\.scenario.tiers, \.bandwidthTBs),
                    doc: "Memory bandwidth per accelerator. Required for every tier an inference segment accepts: memory-bound decoding runs at the bandwidth, whatever the software stack (η does not apply)."),
        SchemaEntry("tiers[].porting_penalty", .number, unit: "utility", default: .value("0"), range: ValueRange(0, 10),
                    bind: .at(\.scenario.tiers, \.portingPenalty),
                    doc: "Utility penalty π a tenant pays for porting its software to this tier."),
        SchemaEntry("tiers[].power_kw", .number, unit: "kW", default: .required, range: ValueRange(0, 100, lowerOpen: true),
                    bind: .at(\.scenario.tiers, \.powerKW),
                    doc: "Power per accelerator, its server share included."),
        SchemaEntry("tiers[].purchase_cost", .number, unit: "currency", default: .required, range: ValueRange(0, 1e9, lowerOpen: true),
                    bind: .at(\.scenario.tiers, \.purchaseCost),
                    doc: "Purchase cost per accelerator, server and network share included."),
        SchemaEntry("tiers[].life_years", .number, unit: "years", default: .value("5"), range: ValueRange(0, 30, lowerOpen: true),
                    bind: .at(\.scenario.tiers, \.lifeYears),
                    doc: "Depreciation life (straight line)."),
        SchemaEntry("tiers[].physical_life_years", .number, unit: "years", default: .computed("life_years + 2"),
                    range: ValueRange(0, 40, lowerOpen: true),
                    bind: .custom { d, v, c in d.physicalLife[c.at[0]] = Double?(bound: v) },
                    doc: "Physical life: units retire at this age. Must be at least life_years."),
        SchemaEntry("tiers[].used_decline", .number, unit: "per year", default: .value("0.25"), range: share,
                    bind: .at(\.scenario.tiers, \.usedDecline),
                    doc: "Annual decline δ_sec of the used-market value: V(age) = purchase_cost·(1 − δ_sec)^age."),
        SchemaEntry("tiers[].reference_price", .number, unit: "currency per accelerator-hour", default: .required, range: hourPrice,
                    bind: .at(\.scenario.tiers, \.referencePrice),
                    doc: "Reference rental price at release; the price cap is a multiple of it, and firms without a price for the tier start from it."),
        SchemaEntry("tiers[].release", .month, default: .none, bind: .at(\.scenario.tiers, \.release),
                    doc: "Release month: before it no supply line ships the tier or takes orders for it, and no firm may hold it in its initial fleet (absent: always available)."),
        SchemaEntry("tiers[].successor", .reference("tiers"), default: .none,
                    bind: .optionalReference(\.scenario.tiers, \.successor, in: \.tiers),
                    doc: "The tier's next generation (absent: none). From the successor's release month (or from the start, if the successor has none or was released before it) the vendor's price of this tier declines by price_decline a year; purchase_cost is the price at the start or at the successor's release, whichever is later."),
        SchemaEntry("tiers[].price_decline", .number, unit: "per year", default: .value("0.3"), range: ValueRange(0, 1, upperOpen: true),
                    bind: .at(\.scenario.tiers, \.priceDecline),
                    doc: "Share per year the vendor's price of this tier falls once its successor is released: cost(t) = purchase_cost·(1 − price_decline)^(years since). The default is an assumption: GPU FLOP/s per dollar doubles about every 2.5 years (ML GPUs ≈ 2.1; Epoch AI), ≈ 24–28% a year, and H100 and H200 rents fell 22% and 29% in 2025."),

        // MARK: Sites
        SchemaEntry("regions", .namedList, default: .required, count: 1...64, bind: .list(\.scenario.regions, blank: Blank.region),
                    doc: "Sites where firms run data centres."),
        SchemaEntry("regions[].name", .name, default: .required, bind: .at(\.scenario.regions, \.name),
                    doc: "Region name, used by providers."),
        SchemaEntry("regions[].jurisdiction", .name, default: .required,
                    bind: .at(\.scenario.regions, \.jurisdiction),
                    doc: "Export-control jurisdiction (such as cn or intl); decides which tiers firms there can buy."),
        SchemaEntry("regions[].electricity_price", .number, unit: "currency per kWh", default: .required, range: ValueRange(0, 1000),
                    bind: .at(\.scenario.regions, \.electricityPrice),
                    doc: "Electricity price."),
        SchemaEntry("regions[].pue", .number, default: .value("1.5"), range: ValueRange(1, 5),
                    bind: .at(\.scenario.regions, \.pue),
                    doc: "Power usage effectiveness: facility kW per IT kW."),
        SchemaEntry("regions[].colocation_mw", .number, unit: "MW", default: .none, range: ValueRange(0, 1e6),
                    bind: .at(\.scenario.regions, \.colocationMW),
                    doc: "Colocation capacity in the region open to the modelled firms, MW of facility power (absent: unlimited). The firms' colocation_kw at the start counts against it; when it is taken, a firm short of power builds (if it can finance the build) or its units wait."),
        SchemaEntry("regions[].colocation_price", .number, unit: "currency per kW-month", default: .computed("datacentres.colocation_per_kw_month"),
                    range: ValueRange(0, 1e6),
                    bind: .at(\.scenario.regions, \.colocationPrice),
                    doc: "Colocation price in the region at zero occupancy; it rises with occupancy by datacentres.colocation_price_slope."),

        // MARK: Demand
        SchemaEntry("demand", .section, default: .required, doc: "Who wants compute."),
        SchemaEntry("demand.segments", .namedList, default: .required, count: 1...256,
                    bind: .list(\.scenario.segments, blank: Blank.segment),
                    doc: "Tenant segments: each arrives as a Poisson process and draws its tenants' attributes."),
        SchemaEntry("demand.segments[].name", .name, default: .required, bind: .at(\.scenario.segments, \.name),
                    doc: "Segment name."),
        SchemaEntry("demand.segments[].rate", .number, unit: "tenants per year", default: .required, range: count7,
                    bind: .at(\.scenario.segments, \.rate),
                    doc: "Arrival rate λ0 at the start."),
        SchemaEntry("demand.segments[].growth", .section, default: .value("{kind: exponential, rate: 0}"),
                    doc: "How the arrival rate moves over time (demand shocks multiply it further)."),
        SchemaEntry("demand.segments[].growth.kind", .choice(["exponential", "logistic"]), default: .value("exponential"),
                    bind: .custom { d, v, c in d.scenario.segments[c.at[0]].growth = String(bound: v) == "logistic" ? .logistic(rate: 0, ceiling: 0) : .exponential(rate: 0) },
                    doc: "exponential: λ(t) = λ0·(1 + rate)^(t/365); logistic: λ(t) = K/(1 + (K/λ0 − 1)·e^(−rate·t/365)) toward the ceiling K (t in days)."),
        SchemaEntry("demand.segments[].growth.rate", .number, unit: "per year", default: .value("0"),
                    range: ValueRange(-1, 100, lowerOpen: true),
                    bind: .custom { d, v, c in d.scenario.segments[c.at[0]].growth.rate = Double(bound: v) },
                    doc: "Growth rate g (exponential) or speed r (logistic)."),
        SchemaEntry("demand.segments[].growth.ceiling", .number, unit: "tenants per year", default: .required,
                    range: ValueRange(0, 1e7, lowerOpen: true), kinds: ["logistic"],
                    bind: .custom { d, v, c in d.scenario.segments[c.at[0]].growth.ceiling = Double(bound: v) },
                    doc: "Ceiling K of a logistic growth."),
        SchemaEntry("demand.segments[].tier", .reference("tiers"), default: .required, bind: .reference(\.scenario.segments, \.tier, in: \.tiers),
                    doc: "The tier its tenants want."),
        SchemaEntry("demand.segments[].substitutes", .references("tiers"), default: .value("[]"), count: 0...64,
                    bind: .references(\.scenario.segments, \.substitutes, in: \.tiers),
                    doc: "Other tiers its tenants accept, needing ⌈N·r⌉ units of them: for training r = E_wanted/E_substitute (E = tflops·eta); for inference r = the larger of the bandwidth and the memory ratios."),
        SchemaEntry("demand.segments[].units", .distribution, unit: "accelerators", default: .value("1"), range: ValueRange(1, 1e7),
                    bind: .at(\.scenario.segments, \.units),
                    doc: "Units N a tenant wants (drawn per tenant, rounded up, at least 1); heavy tails (pareto, lognormal) give the large customers."),
        SchemaEntry("demand.segments[].term_months", .distribution, unit: "months", default: .value("12"),
                    range: ValueRange(0, 600, lowerOpen: true),
                    bind: .at(\.scenario.segments, \.termMonths),
                    doc: "Contract term (drawn per tenant; fractional allowed, at least 1/30 month)."),
        SchemaEntry("demand.segments[].reservation_price", .distribution, unit: "currency per accelerator-hour", default: .required,
                    range: hourPrice,
                    bind: .at(\.scenario.segments, \.reservationPrice),
                    doc: "Reservation price r: the most a tenant pays per accelerator-hour, on-demand equivalent (drawn per tenant)."),
        SchemaEntry("demand.segments[].price_sensitivity", .distribution, default: .value("4"), range: ValueRange(0, 1000),
                    bind: .at(\.scenario.segments, \.priceSensitivity),
                    doc: "Price sensitivity β in the tenant's logit utility β·(r − c)/r + reputation − π − α·wait + ε (drawn per tenant)."),
        SchemaEntry("demand.segments[].max_wait_days", .distribution, unit: "days", default: .value("0"), range: ValueRange(0, 3650),
                    bind: .at(\.scenario.segments, \.maxWaitDays),
                    doc: "How long a tenant waits for units before it is lost (drawn per tenant; 0: never waits)."),
        SchemaEntry("demand.segments[].take_or_pay_share", .number, default: .value("0"), range: share,
                    bind: .at(\.scenario.segments, \.takeOrPayShare),
                    doc: "Share of tenants signing take-or-pay contracts (pay for the whole term; end early only by default)."),
        SchemaEntry("demand.segments[].default_hazard", .number, unit: "per year", default: .value("0"), range: ValueRange(0, 100),
                    bind: .at(\.scenario.segments, \.defaultHazard),
                    doc: "Default hazard of take-or-pay contracts (multiplied by default shocks)."),
        SchemaEntry("demand.segments[].recovery_rate", .number, default: .value("0.4"), range: share,
                    bind: .at(\.scenario.segments, \.recoveryRate),
                    doc: "Share of a defaulted contract's remaining payments recovered."),
        SchemaEntry("demand.segments[].renew_probability", .number, default: .value("0.5"), range: share,
                    bind: .at(\.scenario.segments, \.renewProbability),
                    doc: "Probability π_renew that a tenant renews at the end of its contract (at the provider's current price, if acceptable)."),
        SchemaEntry("demand.segments[].outside_option", .bool, default: .value("true"),
                    bind: .at(\.scenario.segments, \.outsideOption),
                    doc: "Whether tenants may walk away with the outside option (utility ε_0) even when a quote is acceptable."),
        SchemaEntry("demand.segments[].buy_share", .number, default: .value("0"), range: share,
                    bind: .at(\.scenario.segments, \.buyShare),
                    doc: "Share b_s of tenants who want to buy servers rather than rent. Hybrids answer them with a buy quote (chip price·(1 + sublease.hybrid_markup), annualised over the tier's life at the hybrid's cost of capital) in the same logit; other firms quote them rent as usual."),
        SchemaEntry("demand.segments[].workload", .choice(Workload.allCases.map(\.rawValue)), default: .value("training"),
                    bind: .at(\.scenario.segments, \.workload),
                    doc: "What its tenants run, deciding how tiers substitute: training (compute-bound: effective TFLOPS) or inference (memory-bound: bandwidth, and memory to hold the model). An inference segment needs memory_gb and bandwidth_tbs on every tier it accepts."),
    ]

    /// The firms at the start.
    private static let providerEntries: [SchemaEntry] = [
        SchemaEntry("providers", .namedList, default: .required, count: 1...1000, bind: .providers,
                    doc: "The firms at the start."),
        SchemaEntry("providers[].name", .name, default: .required,
                    bind: .at(\.scenario.providers, \.name),
                    doc: "Firm name (CSV `firm` column). 'market' is reserved (rent_in lessors), and names of the form <template>-<k> are left to entrants and <population>-<k> to the firms of a population."),
        SchemaEntry("providers[].regions", .keyedBy("regions"), default: .value("{}"), count: 0...64,
                    doc: "A population's sites (region: weight): each of its firms is at a region drawn in proportion to the weights, every replication, from a stream keyed by the entry and the firm's number (so adding a firm moves no other firm). Empty: every firm at `region`. Its jurisdiction, unless written, is then its drawn region's."),
        SchemaEntry("providers[].regions.*", .number, default: .required, range: ValueRange(0, 1e6, lowerOpen: true),
                    bind: .custom(names: true) { d, v, c in
                        if let r = c.names.regions[c.key] { d.providerRegions[c.at[0]].append((RegionID(r), Double(bound: v))) }
                    },
                    doc: "The weight of one region among a population's sites."),
        SchemaEntry("providers[].count", .integer, unit: "firms", default: .value("1"), range: ValueRange(1, 10_000), drawable: false,
                    bind: .custom { d, v, c in d.providerCount[c.at[0]] = Int(bound: v) },
                    doc: "Firms the entry declares. 1: one firm, named as the entry. N > 1: a population of N similar firms named <name>-1 … <name>-N, each a copy of the entry whose keys written {dist: …, per: firm} are drawn for it (every replication, from a stream keyed by the key and the firm's number, so adding a firm changes no other firm's draws). A population's firms follow the firms declared one by one; outputs pool them under the entry's name (summary.csv and survival.csv, kind population), and write their own rows in firms_monthly.csv and outcomes.csv only with `suanli run --members`. No rent_in lessor or affiliate may name a population."),
    ] + firmEntries("providers[]", entrant: false)

    /// Templates of firms that enter during the run.
    private static let entrantEntries: [SchemaEntry] = [
        SchemaEntry("entrants", .namedList, default: .value("[]"), count: 0...64,
                    bind: .entrants,
                    doc: "Templates of firms that may enter during the run (at the rate set under `entry`). An entrant is a copy of its template named <template>-<k> (k = 1, 2, … per template) that takes its first_order at entry: an owner or hybrid orders it from the vendors at the current chip price and lead time; a sublessor rents it in from the wholesale market (owners' offers, cheapest first, then sublease.overseas lines; at most what is offered) for sublease.rent_in_term_months, and rents more by the expansion rule. A template has the keys of a provider except name (it has its own), fleet (it starts with none) and rent_in (see first_order)."),
        SchemaEntry("entrants[].name", .name, default: .required,
                    bind: .custom { d, v, c in d.scenario.entrants[c.at[0]].name = String(bound: v); d.scenario.entrants[c.at[0]].provider.name = String(bound: v) },
                    doc: "Template name: entrants are named <name>-1, <name>-2, …; recorded as the entrant's template."),
        SchemaEntry("entrants[].weight", .number, default: .value("1"), range: ValueRange(0, 1e6, lowerOpen: true),
                    bind: .at(\.scenario.entrants, \.weight),
                    doc: "Relative weight: the share of entries drawn from this template is its weight over the sum of weights."),
        SchemaEntry("entrants[].first_order", .list, default: .value("[]"), count: 0...64,
                    bind: .custom { d, v, c in d.scenario.entrants[c.at[0]].firstOrder = Array(repeating: (tier: 0, units: 0), count: v.count) },
                    doc: "The units an entrant takes at entry, by tier. An owner or hybrid buys them used where the used market offers units of the tier at a price it accepts, and orders the rest from the vendors (each tier needs a supply entry for the entrant's jurisdiction); a sublessor rents them in from the market at the wholesale price, and must have a first_order (with no capacity it is asked for nothing, so its expansion rule would never start). Brokers take nothing."),
        SchemaEntry("entrants[].first_order[].tier", .reference("tiers"), default: .required, bind: .custom(names: true) { d, v, c in d.scenario.entrants[c.at[0]].firstOrder[c.at[1]].tier = TierID(c.names.tiers[String(bound: v)] ?? 0) },
                    doc: "The tier ordered or rented in."),
        SchemaEntry("entrants[].first_order[].units", .integer, unit: "accelerators", default: .required,
                    range: ValueRange(1, 1e7), bind: .custom { d, v, c in d.scenario.entrants[c.at[0]].firstOrder[c.at[1]].units = Int(bound: v) },
                    doc: "Units ordered or rented in."),
    ] + firmEntries("entrants[]", entrant: true)

    /// The keys every firm has, under `p` (`providers[]` or `entrants[]`). An entrant's keys are
    /// worded for a firm that enters during the run and leave out `fleet` and `rent_in`, which
    /// describe the start.
    private static func firmEntries(_ list: String, entrant: Bool) -> [SchemaEntry] {
        let p = list + "."
        let at = entrant ? "at entry" : "at the start"
        let firm = FirmBindings(entrant: entrant)
        var out: [SchemaEntry] = [
            SchemaEntry(p + "model", .choice(BusinessModel.allCases.map(\.rawValue)), default: .value("owner"),
                        bind: firm.at(\.model),
                    doc: "Business model: owner buys and leases out units; sublessor rents capacity in and sublets it; broker resells affiliated owners' capacity for a commission; hybrid is an owner that also sells servers."),
            SchemaEntry(p + "region", .reference("regions"), default: .required, bind: firm.reference(\.region, in: \.regions),
                    doc: "The firm's site."),
            SchemaEntry(p + "jurisdiction", .name, default: .computed("the region's jurisdiction"),
                        bind: firm.jurisdiction,
                    doc: "Export-control jurisdiction, when it differs from the site's."),
            SchemaEntry(p + "accounting", .choice(AccountingStandard.allCases.map(\.rawValue)),
                        default: .computed("cas when the jurisdiction is cn, else ifrs"),
                        bind: firm.at(\.accounting),
                    doc: "Accounting standard, which decides whether an impairment of the fleet is reversed: ifrs (IAS 36) reverses a write-down when the units' recoverable amount recovers, up to the book value had no impairment been recognised; cas (China's CAS 8) never reverses."),
            SchemaEntry(p + "cash", .number, unit: "currency", default: .required, range: money, bind: firm.at(\.cash),
                    doc: "Cash \(at)."),
            SchemaEntry(p + "debt", .number, unit: "currency", default: .value("0"), range: money,
                        bind: firm.at(\.debt),
                    doc: entrant
                            ? "Debt at entry: must be 0. An entrant raises its cash as equity and borrows by the finance rules, up to ltv_cap of the value of the units it holds."
                            : "Debt at the start, amortising over finance.debt_term_months."),
        ]
        if !entrant {
            out += [
                SchemaEntry(p + "fleet", .list, default: .value("[]"), count: 0...1000,
                            bind: firm.list(\.fleet, blank: Blank.cohort),
                    doc: "Units held at the start, by cohort (none for a broker)."),
                SchemaEntry(p + "fleet[].tier", .reference("tiers"), default: .required, bind: firm.tier(\.fleet, \.tier),
                    doc: "The cohort's tier."),
                SchemaEntry(p + "fleet[].units", .integer, unit: "accelerators", default: .required, range: count7,
                            bind: firm.item(\.fleet, \.units),
                    doc: "Units in the cohort."),
                SchemaEntry(p + "fleet[].age_months", .integer, unit: "months", default: .value("0"), range: ValueRange(0, 600),
                            bind: firm.item(\.fleet, \.ageMonths),
                    doc: "The cohort's age at the start."),
                SchemaEntry(p + "fleet[].leased_share", .number, default: .value("0"), range: share,
                            bind: firm.item(\.fleet, \.leasedShare),
                    doc: "Share of the cohort's units under contract at the start: a book of leases part-way through their terms, drawn from the segments that want the tier (so a scenario need not start with every firm empty)."),
                SchemaEntry(p + "fleet[].lease_price", .number, unit: "currency per unit-hour", default: .none, range: hourPrice,
                            bind: firm.item(\.fleet, \.leasePrice),
                    doc: "Price of the cohort's leases in force at the start (a contract signed before it, e.g. a disclosed one); when entries of one tier differ, the tier's starting leases take the leased-units-weighted mean of those that set it. Default: the firm's list price less each lease's term discount."),
                SchemaEntry(p + "fleet[].lease_months_left", .number, unit: "months", default: .none, range: ValueRange(0, 600, lowerOpen: true),
                            bind: firm.item(\.fleet, \.leaseMonthsLeft),
                    doc: "Months left at the start on the cohort's leases in force (a contract signed before it): they all end then, their terms at least that long; when entries of one tier differ, the longest applies. Default: each lease drawn part-way through its term."),
            ]
        }
        out += [
            SchemaEntry(p + "prices", .keyedBy("tiers"), default: .value("{}"), count: 0...64,
                        doc: "Initial list prices by tier (tier: price); tiers not listed start at their reference_price."),
            SchemaEntry(p + "prices.*", .number, unit: "currency per accelerator-hour", default: .required, range: hourPrice,
                        bind: firm.custom(names: true) { p, v, c in if let t = c.names.tiers[c.key] { p.initialPrices[TierID(t)] = Double(bound: v) } },
                    doc: "Initial list price of one tier."),
            SchemaEntry(p + "pricing", .choice(PricingPolicy.allCases.map(\.rawValue)), default: .value("adaptive"),
                        bind: firm.at(\.pricing),
                    doc: "Monthly pricing policy: adaptive (utilisation and refused demand move the price, pulled toward the index and, with spare capacity, toward cheaper rivals' spare units), cost-plus, undercut (below the lowest rival, whatever either's utilisation), fixed (never changes)."),
            SchemaEntry(p + "visibility", .number, default: .value("0.5"), range: share,
                        bind: firm.at(\.visibility),
                    doc: "Visibility intercept v_0: chance a tenant considers the firm, before the capacity-share term."),
            SchemaEntry(p + "reputation", .number, unit: "utility", default: .value("0"), range: ValueRange(-10, 10),
                        bind: firm.at(\.reputation),
                    doc: "Reputation added to tenants' utility for this firm."),
            SchemaEntry(p + "cost_of_capital", .number, unit: "per year", default: .value("0.1"), range: share,
                        bind: firm.at(\.costOfCapital),
                    doc: "Cost of capital ρ: discounts cash flows and prices capital in cost-based prices."),
            SchemaEntry(p + "fixed_opex_monthly", .number, unit: "currency per month", default: .value("0"), range: money,
                        bind: firm.at(\.fixedOpexMonthly),
                    doc: "Fixed operating cost."),
            SchemaEntry(p + "opex_per_unit_monthly", .number, unit: "currency per unit-month", default: .value("0"),
                        range: ValueRange(0, 1e9), bind: firm.at(\.opexPerUnitMonthly),
                    doc: "Operating cost per installed unit."),
            SchemaEntry(p + "ltv_cap", .number, default: .value("0.65"), range: share,
                        bind: firm.at(\.ltvCap),
                    doc: "Loan-to-value cap on the used-market value of the fleet."),
            SchemaEntry(p + "min_cash", .number, unit: "currency", default: .value("0"), range: money,
                        bind: firm.at(\.minCash),
                    doc: "Cash floor kept before a covenant sweep or a draw."),
            SchemaEntry(p + "parent_support", .number, unit: "currency", default: .value("0"), range: money,
                        bind: firm.at(\.parentSupport),
                    doc: "Equity the parent can still inject."),
            SchemaEntry(p + "soft_budget", .bool, default: .value("false"),
                        bind: firm.at(\.softBudget),
                    doc: "State-backed: prices at cost and never exits by losses."),
            SchemaEntry(p + "floating_rate", .bool, default: .value("false"),
                        bind: firm.at(\.floatingRate),
                    doc: "Whether loans float over finance.base_rate (true) or keep a fixed rate (false)."),
            SchemaEntry(p + "interest_rate", .number, unit: "per year", default: .value("0.1"), range: share,
                        bind: firm.at(\.interestRate),
                    doc: "The fixed loan rate, or the spread over the base rate when floating."),
            SchemaEntry(p + "owned_mw", .number, unit: "MW", default: .value("0"), range: ValueRange(0, 1e5),
                        bind: firm.at(\.supply.ownedMW),
                    doc: "Data-centre power the firm owns \(at), MW of facility power: a unit draws its tier's power_kw times the region's PUE. Units delivered without power wait, unpowered and earning nothing, until a build completes or colocation is taken." + (entrant ? "" : " A firm given neither owned_mw nor colocation_kw owns exactly what its initial fleet draws.")),
            SchemaEntry(p + "colocation_kw", .number, unit: "kW", default: .value("0"), range: ValueRange(0, 1e8),
                        bind: firm.at(\.supply.colocationKW),
                    doc: "Colocated facility power the firm rents \(at), paid monthly at datacentres.colocation_per_kw_month."),
            SchemaEntry(p + "expands", .bool, default: .value("true"),
                        bind: firm.at(\.supply.expands),
                    doc: "Whether the firm reviews expansion each quarter (orders chips, or rents in for a sublessor, by the rule under `expansion`)."),
        ]
        if !entrant {
            out += [
                SchemaEntry(p + "builds", .list, default: .value("[]"), count: 0...64,
                            bind: firm.list(\.supply.builds, blank: Blank.build),
                    doc: "Data-centre builds under way at the start (a platform the firm set out to build): each adds its MW when complete, its capex paid monthly until then."),
                SchemaEntry(p + "builds[].mw", .number, unit: "MW", default: .required, range: ValueRange(0, 1e5, lowerOpen: true),
                            bind: firm.item(\.supply.builds, \.mw),
                    doc: "MW of facility power the build adds."),
                SchemaEntry(p + "builds[].months_left", .number, unit: "months", default: .required, range: ValueRange(0, 600, lowerOpen: true),
                            bind: firm.item(\.supply.builds, \.monthsLeft),
                    doc: "Months until it completes."),
                SchemaEntry(p + "builds[].capex_left", .number, unit: "currency", default: .computed("mw × datacentres.cost_per_mw"), range: money,
                            bind: firm.item(\.supply.builds, \.capexLeft),
                    doc: "Capex still to pay, in equal monthly parts until it completes."),
                SchemaEntry(p + "rent_in", .list, default: .value("[]"), count: 0...256,
                            bind: .rentIn,
                    doc: "Rent-in contracts in force at the start (sublessors only): capacity rented from a named owner or hybrid (a lease in its book, out of its units not leased at the start) or from the market."),
                SchemaEntry(p + "rent_in[].tier", .reference("tiers"), default: .required, bind: firm.tier(\.supply.rentIn, \.tier),
                    doc: "The tier rented in."),
                SchemaEntry(p + "rent_in[].units", .integer, unit: "accelerators", default: .required, range: ValueRange(1, 1e7),
                            bind: firm.item(\.supply.rentIn, \.units),
                    doc: "Units rented in."),
                SchemaEntry(p + "rent_in[].lessor", .reference("providers"), default: .value("market"),
                            bind: firm.custom(names: true) { p, v, c in let name = String(bound: v); p.supply.rentIn[c.at[1]].lessor = name == marketLessor ? nil : c.names.providers[name].map(ProviderID.init) },
                    doc: "The provider it rents from (an owner or hybrid holding the tier), or `market` for the wholesale market: once the owners' initial tenants are placed, owners' offers cheapest first (at `price` if given, else each owner's wholesale quote), then sublease.overseas lines; when offers fall short the rent-in is smaller."),
                SchemaEntry(p + "rent_in[].price", .number, unit: "currency per accelerator-hour", default: .none, range: hourPrice,
                            bind: firm.item(\.supply.rentIn, \.price),
                    doc: "Rent-in price (absent: (1 − sublease.wholesale_discount)·the tier's reference price)."),
                SchemaEntry(p + "rent_in[].term_months", .number, unit: "months", default: .computed("sublease.rent_in_term_months"),
                            range: ValueRange(0, 600, lowerOpen: true), bind: .custom { d, v, c in d.rentInTerm[c.at[0]][c.at[1]] = Double?(bound: v) },
                    doc: "Term of the contract."),
                SchemaEntry(p + "rent_in[].elapsed_months", .number, unit: "months", default: .value("0"), range: ValueRange(0, 600),
                            bind: firm.item(\.supply.rentIn, \.elapsedMonths),
                    doc: "Months of the term already elapsed at the start; less than term_months."),
            ]
        }
        out.append(SchemaEntry(p + "affiliates", .references("providers"), default: .value("[]"), count: 0...1000,
                               bind: firm.custom(names: true) { p, v, c in p.supply.affiliates = v.names.compactMap { c.names.providers[$0].map(ProviderID.init) } },
                    doc: "Brokers only, and at least one: the owners or hybrids (firms present at the start) whose free units the broker quotes at their price·(1 + sublease.broker_commission)."))
        return out
    }

    /// Chip supply and dated events.
    private static let supplyAndEventEntries: [SchemaEntry] = [
        // MARK: Chip supply
        SchemaEntry("supply", .list, default: .value("[]"), count: 0...4096,
                    bind: .list(\.scenario.chipSupply, blank: Blank.supply),
                    doc: "Vendor chip supply by tier and jurisdiction. Each month the vendor ships up to its capacity to the backlog of orders; units then travel and are installed. A tier with no entry for a jurisdiction cannot be bought there (firms keep the units they hold). Each (tier, jurisdiction) pair at most once."),
        SchemaEntry("supply[].tier", .reference("tiers"), default: .required, bind: .reference(\.scenario.chipSupply, \.tier, in: \.tiers),
                    doc: "The tier supplied."),
        SchemaEntry("supply[].jurisdiction", .name, default: .required,
                    bind: .at(\.scenario.chipSupply, \.jurisdiction),
                    doc: "The jurisdiction supplied: one of the regions' (or firms') jurisdictions."),
        SchemaEntry("supply[].monthly_capacity", .number, unit: "accelerators per month", default: .required, range: ValueRange(0, 1e8),
                    bind: .at(\.scenario.chipSupply, \.monthlyCapacity),
                    doc: "Units the vendor can ship per month at the start (before supply shocks)."),
        SchemaEntry("supply[].capacity_growth", .number, unit: "per year", default: .value("0"), range: ValueRange(-1, 10, lowerOpen: true),
                    bind: .at(\.scenario.chipSupply, \.capacityGrowth),
                    doc: "Annual growth of the capacity, compounded."),
        SchemaEntry("supply[].allocation", .choice(AllocationPolicy.allCases.map(\.rawValue)), default: .value("in-order"),
                    bind: .at(\.scenario.chipSupply, \.allocation),
                    doc: "How a month's shipments are shared among the orders in the backlog: in-order (oldest first), pro-rata (every order the same share), largest-first (vendors favour big buyers)."),
        SchemaEntry("supply[].premium", .number, default: .value("0.1"), range: ValueRange(0, 100),
                    bind: .at(\.scenario.chipSupply, \.premium),
                    doc: "Scarcity premium: chip price = purchase_cost·(1 + premium·min(backlog/monthly capacity, max_backlog_months))."),
        SchemaEntry("supply[].max_backlog_months", .number, unit: "months", default: .value("24"), range: ValueRange(0, 600, lowerOpen: true),
                    bind: .at(\.scenario.chipSupply, \.maxBacklogMonths),
                    doc: "Cap on backlog/monthly capacity in the chip price (keeps the price finite when capacity is 0)."),
        SchemaEntry("supply[].transit_days", .distribution, unit: "days", default: .value("30"), range: ValueRange(0, 3650),
                    bind: .at(\.scenario.chipSupply, \.transitDays),
                    doc: "Transit and installation time after shipment (drawn for each shipment). The lead time is the time in the backlog plus this."),
        SchemaEntry("supply[].grey_import", .section, default: .none,
                    doc: "Grey imports while the tier is banned to this jurisdiction (absent: none; a ban then stops supply)."),
        SchemaEntry("supply[].grey_import.premium", .number, default: .required, range: ValueRange(1, 100),
                    bind: .at(\.scenario.chipSupply, \.greyPremium),
                    doc: "Price of grey imports as a multiple of the chip price."),
        SchemaEntry("supply[].grey_import.share", .number, default: .required, range: share,
                    bind: .at(\.scenario.chipSupply, \.greyShare),
                    doc: "Monthly quantity while banned, as a share of the unshocked capacity (monthly_capacity grown by capacity_growth)."),

        // MARK: Dated events
        SchemaEntry("shocks", .list, default: .value("[]"), count: 0...1000,
                    bind: .list(\.shocks, blank: ScenarioDraft.ShockEntry()),
                    doc: "Dated events that change demand, defaults, rates, chip supply or a site's power costs."),
        SchemaEntry("shocks[].kind", .choice(["demand", "default", "base_rate", "supply", "export_ban", "electricity", "pue", "mass_default"]),
                    default: .required,
                    bind: .at(\.shocks, \.kind),
                    doc: "demand multiplies arrival rates on [from, to); default multiplies take-or-pay default hazards on [from, to); base_rate sets finance.base_rate from `from` on; supply sets a tier's vendor capacity to a jurisdiction to capacity_factor times its unshocked path from `from` on (0 is an export ban: the jurisdiction's backlog of the tier is cancelled and refunded; between 0 and 1 a partial cut; 1 a recovery); export_ban is supply with capacity_factor 0; electricity and pue multiply a region's electricity_price or pue from `from` on (relative to the region's own value, not to an earlier shock: for a region, the latest shock of each kind dated at or before a month is in force, and multiplier 1 ends it); mass_default makes a share of the active contracts of a segment (or of every segment) default at the close of the month `from`, take-or-pay contracts leaving a claim recovered at the segment's recovery_rate."),
        SchemaEntry("shocks[].segment", .reference("demand.segments"), default: .none, kinds: ["demand", "default", "mass_default"],
                    bind: .optionalReference(\.shocks, \.segment, in: \.segments),
                    doc: "The segment it applies to (absent: every segment)."),
        SchemaEntry("shocks[].region", .reference("regions"), default: .required, kinds: ["electricity", "pue"],
                    bind: .reference(\.shocks, \.region, in: \.regions),
                    doc: "The region whose electricity price or PUE changes."),
        SchemaEntry("shocks[].tier", .reference("tiers"), default: .required, kinds: ["supply", "export_ban"],
                    bind: .reference(\.shocks, \.tier, in: \.tiers),
                    doc: "The tier whose supply changes."),
        SchemaEntry("shocks[].jurisdiction", .name, default: .required, kinds: ["supply", "export_ban"],
                    bind: .at(\.shocks, \.jurisdiction),
                    doc: "The jurisdiction whose supply changes: one of the regions' (or firms') jurisdictions."),
        SchemaEntry("shocks[].from", .month, default: .required,
                    bind: .at(\.shocks, \.from),
                    doc: "First month it applies: inside the horizon, except that supply and export_ban shocks may be dated before the start (a ban already in force, such as 2023-10), and then apply from the start. For a tier and jurisdiction, the latest supply shock dated at or before a month is in force."),
        SchemaEntry("shocks[].to", .month, default: .none, kinds: ["demand", "default"],
                    bind: .at(\.shocks, \.to),
                    doc: "First month it no longer applies (absent: to the end)."),
        SchemaEntry("shocks[].multiplier", .number, default: .required, range: ValueRange(0, 1000),
                    kinds: ["demand", "default", "electricity", "pue"],
                    bind: .at(\.shocks, \.multiplier),
                    doc: "Factor applied to the arrival rate, the default hazard, the electricity price or the PUE (a region's pue times the multiplier must stay at least 1)."),
        SchemaEntry("shocks[].rate", .number, unit: "per year", default: .required, range: ValueRange(-0.05, 1), kinds: ["base_rate"],
                    bind: .at(\.shocks, \.rate),
                    doc: "The new base rate."),
        SchemaEntry("shocks[].capacity_factor", .number, default: .required, range: ValueRange(0, 10), kinds: ["supply"],
                    bind: .at(\.shocks, \.capacityFactor),
                    doc: "Capacity multiplier, relative to the supply's unshocked path (not to the previous shock): 0 bans, between 0 and 1 cuts, 1 recovers, above 1 expands."),
        SchemaEntry("shocks[].refund_share", .number, default: .value("1"), range: share, kinds: ["supply", "export_ban"],
                    bind: .at(\.shocks, \.refundShare),
                    doc: "When the shock bans the tier (capacity 0, no grey imports): the share of each cancelled order's prepayment the vendor refunds; the rest is written off (`orders_written_off`, a charge in net income)."),
        SchemaEntry("shocks[].penalty_months", .number, unit: "months", default: .value("0"), range: ValueRange(0, 120),
                    kinds: ["supply", "export_ban"],
                    bind: .at(\.shocks, \.penaltyMonths),
                    doc: "When the shock bans the tier: what a firm pays the tenants it had pre-let its cancelled units to (delivery-start contracts broken), in months of its list rent per cancelled unit (the share pre-let times the penalty per contract). Paid at once; it reduces revenue (`cancellation_penalties`)."),
        SchemaEntry("shocks[].relax_probability", .number, default: .value("0"), range: share, kinds: ["supply", "export_ban"],
                    bind: .at(\.shocks, \.relaxProbability),
                    doc: "The chance, drawn once per replication (stream `relax`, keyed by the shock's tier, jurisdiction and month), that the shock is undone from relax_from: capacity back to the unshocked path, at relax_price_markup over the vendor's price."),
        SchemaEntry("shocks[].relax_from", .month, default: .none, kinds: ["supply", "export_ban"],
                    bind: .at(\.shocks, \.relaxFrom),
                    doc: "The month a relaxed shock is undone (after from, inside the horizon); required when relax_probability is above 0."),
        SchemaEntry("shocks[].relax_price_markup", .number, default: .value("0"), range: ValueRange(0, 10),
                    kinds: ["supply", "export_ban"],
                    bind: .at(\.shocks, \.relaxPriceMarkup),
                    doc: "The vendor's price once relaxed, as a markup on its list price (a licence fee or revenue share passed on)."),
        SchemaEntry("shocks[].share", .number, default: .required, range: share, kinds: ["mass_default"],
                    bind: .at(\.shocks, \.share),
                    doc: "Share of the active contracts that default (each one independently, with this probability)."),

        // MARK: Policy
        SchemaEntry("policy", .section, default: .value("{}"), doc: "Policy: compute vouchers and price caps."),
        SchemaEntry("policy.vouchers", .namedList, default: .value("[]"), count: 0...64,
                    bind: .list(\.scenario.policy.vouchers, blank: Blank.voucher),
                    doc: "Compute-voucher programmes: while a programme runs and its budget lasts, an eligible tenant signing with a firm sited in its region pays (1 − share) of the price; the firm still earns the full price, the voucher part as voucher income paid lag_months later. Quotes to eligible tenants are compared at the price they pay."),
        SchemaEntry("policy.vouchers[].name", .name, default: .required, bind: .at(\.scenario.policy.vouchers, \.name),
                    doc: "Programme name."),
        SchemaEntry("policy.vouchers[].region", .reference("regions"), default: .required,
                    bind: .reference(\.scenario.policy.vouchers, \.region, in: \.regions),
                    doc: "The region whose firms take part: tenants get the voucher only when they sign with a firm sited there."),
        SchemaEntry("policy.vouchers[].segments", .references("demand.segments"), default: .value("[]"), count: 0...256,
                    bind: .references(\.scenario.policy.vouchers, \.segments, in: \.segments),
                    doc: "Segments whose tenants are eligible (empty: every segment)."),
        SchemaEntry("policy.vouchers[].share", .number, default: .required, range: share,
                    bind: .at(\.scenario.policy.vouchers, \.share),
                    doc: "Share s of the price the voucher pays: the tenant pays p·(1 − s)."),
        SchemaEntry("policy.vouchers[].from", .month, default: .required, bind: .at(\.scenario.policy.vouchers, \.from),
                    doc: "First month of the programme: inside the horizon."),
        SchemaEntry("policy.vouchers[].to", .month, default: .none,
                    bind: .at(\.scenario.policy.vouchers, \.to),
                    doc: "First month it no longer runs (absent: to the end); leases signed under it stop being subsidised then."),
        SchemaEntry("policy.vouchers[].budget", .number, unit: "currency", default: .required, range: money,
                    bind: .at(\.scenario.policy.vouchers, \.budget),
                    doc: "Total budget: the voucher part of each bill is paid while the budget lasts; a tenant signing once it is spent gets no voucher."),
        SchemaEntry("policy.vouchers[].lag_months", .integer, unit: "months", default: .value("0"), range: ValueRange(0, 24),
                    bind: .at(\.scenario.policy.vouchers, \.lagMonths),
                    doc: "Months between the tenant's bill and the voucher income reaching the firm (0: the same month's close)."),
        SchemaEntry("policy.price_caps", .list, default: .value("[]"), count: 0...256,
                    bind: .list(\.scenario.policy.priceCaps, blank: Blank.priceCap),
                    doc: "Dated caps on list prices, on top of pricing.cap_multiple: where several are in force for a tier, the lowest applies."),
        SchemaEntry("policy.price_caps[].tier", .reference("tiers"), default: .none, bind: .optionalReference(\.scenario.policy.priceCaps, \.tier, in: \.tiers),
                    doc: "The tier capped (absent: every tier)."),
        SchemaEntry("policy.price_caps[].from", .month, default: .required, bind: .at(\.scenario.policy.priceCaps, \.from),
                    doc: "First month the cap applies: inside the horizon."),
        SchemaEntry("policy.price_caps[].to", .month, default: .none, bind: .at(\.scenario.policy.priceCaps, \.to),
                    doc: "First month it no longer applies (absent: to the end)."),
        SchemaEntry("policy.price_caps[].cap", .number, unit: "currency per accelerator-hour", default: .required, range: hourPrice,
                    bind: .at(\.scenario.policy.priceCaps, \.cap),
                    doc: "The highest list price allowed."),
    ]

    /// Market-wide parameters.
    private static let marketEntries: [SchemaEntry] = [
        // MARK: Market-wide parameters
        SchemaEntry("pricing", .section, default: .value("{}"), doc: "Market-wide pricing parameters."),
        SchemaEntry("pricing.k_u", .number, default: .value("0.15"), range: ValueRange(0, 10),
                    bind: .at(\.scenario.pricing.kU),
                    doc: "Utilisation gain k_u: ln p moves by k_u·(ū − u*) each month."),
        SchemaEntry("pricing.k_x", .number, default: .value("0.1"), range: ValueRange(0, 10),
                    bind: .at(\.scenario.pricing.kX),
                    doc: "Refused-demand gain k_x: ln p moves by k_x·x̄ (units refused over units installed)."),
        SchemaEntry("pricing.index_weight", .number, default: .value("0.2"), range: share,
                    bind: .at(\.scenario.pricing.indexWeight),
                    doc: "Weight w pulling a list price toward last month's price index."),
        SchemaEntry("pricing.target_utilisation", .number, default: .value("0.8"), range: ValueRange(0, 1, lowerOpen: true),
                    bind: .at(\.scenario.pricing.targetUtilisation),
                    doc: "Target utilisation u*."),
        SchemaEntry("pricing.cap_multiple", .number, default: .value("4"), range: ValueRange(1, 1000),
                    bind: .at(\.scenario.pricing.capMultiple),
                    doc: "Price cap as a multiple of the tier's reference price."),
        SchemaEntry("pricing.cost_plus_markup", .number, default: .value("0.2"), range: ValueRange(-0.9, 10),
                    bind: .at(\.scenario.pricing.costPlusMarkup),
                    doc: "Markup m of the cost-plus policy."),
        SchemaEntry("pricing.rival_discount", .number, default: .value("0.05"), range: ValueRange(0, 0.9),
                    bind: .at(\.scenario.pricing.rivalDiscount),
                    doc: "ε: how far below a rival's list price a firm prices when it competes for that rival's tenants — the undercut policy's price (1 − ε) × the lowest rival's, and the target (1 − ε) × the cheaper rivals' price of the adaptive policy's Bertrand–Edgeworth step (assumption)."),
        SchemaEntry("pricing.rival_weight", .number, default: .value("1"), range: share,
                    bind: .at(\.scenario.pricing.rivalWeight),
                    doc: "ω, the weight of the adaptive policy's Bertrand–Edgeworth step: a firm below u* moves its price toward (1 − ε) × the spare-weighted price of the rivals with spare units (u* × capacity − leased > 0) listing below it, by ω × min(1, their spare units / (u* × its capacity)): cheaper spare units can take its tenants. 0 gives the plain pull toward the index (assumption: 1, the full Edgeworth response)."),
        SchemaEntry("pricing.term_discounts", .list,
                    default: .value("[{months: 12, discount: 0.1}, {months: 36, discount: 0.2}, {months: 60, discount: 0.25}]"),
                    count: 0...32,
                    bind: .custom { d, v, _ in d.scenario.pricing.termDiscounts = Array(repeating: (months: 0, discount: 0), count: v.count) },
                    doc: "Discounts for long terms: a contract of at least `months` gets `discount` off the list price (the largest that applies)."),
        SchemaEntry("pricing.term_discounts[].months", .number, unit: "months", default: .required,
                    range: ValueRange(0, 600, lowerOpen: true), drawable: false,
                    bind: .custom { d, v, c in d.scenario.pricing.termDiscounts[c.at[0]].months = Double(bound: v) },
                    doc: "Minimum term for the discount; increasing down the list."),
        SchemaEntry("pricing.term_discounts[].discount", .number, default: .required, range: ValueRange(0, 1, upperOpen: true),
                    bind: .custom { d, v, c in d.scenario.pricing.termDiscounts[c.at[0]].discount = Double(bound: v) },
                    doc: "Discount as a share of the list price."),
        SchemaEntry("pricing.visibility_slope", .number, default: .value("0.5"), range: ValueRange(0, 10),
                    bind: .at(\.scenario.pricing.visibilitySlope),
                    doc: "Visibility slope v_1 on a firm's capacity share."),
        SchemaEntry("pricing.consideration_max", .integer, unit: "firms", default: .none, range: ValueRange(1, 1e6),
                    drawable: false, bind: .at(\.scenario.pricing.considerationMax),
                    doc: "The most providers a tenant considers in one round of quotes. Of the firms it sees (each with probability v_j), it keeps this many at random, each visible firm equally likely, and chooses among their quotes and the outside option by the logit. Unset: every firm it sees (real tenants compare a handful: set it for a market of many firms)."),
        SchemaEntry("pricing.idle_power_share", .number, default: .value("0.3"), range: share,
                    bind: .at(\.scenario.pricing.idlePowerShare),
                    doc: "Share of full power an idle installed unit draws."),

        SchemaEntry("contracts", .section, default: .value("{}"), doc: "Contract parameters."),
        SchemaEntry("contracts.cancel_hazard", .number, unit: "per year", default: .value("0.05"), range: ValueRange(0, 100),
                    bind: .at(\.scenario.contracts.cancelHazard),
                    doc: "Base cancellation hazard h_c0 of contracts that are not take-or-pay."),
        SchemaEntry("contracts.cancel_hazard_slope", .number, unit: "per year", default: .value("1"), range: ValueRange(0, 100),
                    bind: .at(\.scenario.contracts.cancelHazardSlope),
                    doc: "Extra cancellation hazard h_c1 per unit of relative overpricing max(0, p/I − 1)."),
        SchemaEntry("contracts.cancel_fee_months", .number, unit: "months", default: .value("1"), range: ValueRange(0, 600),
                    bind: .at(\.scenario.contracts.cancelFeeMonths),
                    doc: "Months of rent paid as a cancellation fee."),

        SchemaEntry("finance", .section, default: .value("{}"), doc: "Financing parameters."),
        SchemaEntry("finance.base_rate", .number, unit: "per year", default: .value("0.04"), range: ValueRange(-0.05, 1),
                    bind: .at(\.scenario.finance.baseRate),
                    doc: "Base rate under floating loans (moved by base_rate shocks)."),
        SchemaEntry("finance.debt_term_months", .integer, unit: "months", default: .value("60"), range: months,
                    bind: .at(\.scenario.finance.debtTermMonths),
                    doc: "Amortisation term of initial and new loans."),

        SchemaEntry("exit", .section, default: .value("{}"), doc: "Exit and fire-sale parameters."),
        SchemaEntry("exit.loss_quarters", .integer, unit: "quarters", default: .value("4"), range: ValueRange(1, 200),
                    bind: .at(\.scenario.exit.lossQuarters),
                    doc: "N: consecutive quarters of operating cash flow minus interest below zero before a `losing` exit is considered."),
        SchemaEntry("exit.fire_sale_max_discount", .number, default: .value("0.5"), range: share,
                    bind: .at(\.scenario.exit.fireSaleMaxDiscount),
                    doc: "δ_max: the largest fire-sale discount on the sellers' ask, reached as the used inventory grows far beyond the market depth."),
        SchemaEntry("exit.market_depth_share", .number, default: .value("0.02"), range: ValueRange(0, 1, lowerOpen: true),
                    bind: .at(\.scenario.exit.marketDepthShare),
                    doc: "Market depth D_½ as a share of the tier's installed base: with D_½ units in the used market's inventory the sellers' ask is discounted by δ_max/2."),

        SchemaEntry("used_market", .section, default: .value("{}"),
                    doc: "The used market, where exited firms' liquidators and firms in distress sell units and expanding firms buy them: how a unit is valued and what it fetches at worst."),
        SchemaEntry("used_market.discount_rate", .number, unit: "per year", default: .value("0.15"), range: ValueRange(0, 1),
                    bind: .at(\.scenario.usedMarket.discountRate),
                    doc: "ρ_used: the rate at which the market capitalises a unit's expected rents net of power over its remaining physical life (the used price when nobody trades, and the age profile of every used value)."),
        SchemaEntry("used_market.scrap_share", .number, default: .value("0.05"), range: share,
                    bind: .at(\.scenario.usedMarket.scrapShare),
                    doc: "Scrap value of a unit as a share of its tier's purchase cost: no used price falls below it."),
        SchemaEntry("used_market.reference_age_years", .number, unit: "years", default: .value("1"), range: ValueRange(0, 10),
                    bind: .at(\.scenario.usedMarket.referenceAgeYears),
                    doc: "The age of the unit `used_price` is quoted for, so months compare; a unit of another age is worth its remaining-life annuity relative to this one (at most half the tier's physical life is used)."),

        SchemaEntry("datacentres", .section, default: .value("{}"),
                    doc: "Data-centre economics shared by all firms: building, facility depreciation, colocation."),
        SchemaEntry("datacentres.cost_per_mw", .number, unit: "currency per MW", default: .value("8e7"), range: ValueRange(0, 1e12),
                    bind: .at(\.scenario.dataCentres.costPerMW),
                    doc: "Build cost per MW of facility power (the MW of owned_mw), paid monthly as the build goes."),
        SchemaEntry("datacentres.build_months", .distribution, unit: "months", default: .value("12"), range: ValueRange(0, 600),
                    bind: .at(\.scenario.dataCentres.buildMonths),
                    doc: "Time to build (drawn for each build)."),
        SchemaEntry("datacentres.facility_life_years", .number, unit: "years", default: .value("15"), range: ValueRange(0, 100, lowerOpen: true),
                    bind: .at(\.scenario.dataCentres.facilityLifeYears),
                    doc: "Facilities are depreciated straight-line over this life."),
        SchemaEntry("datacentres.colocation_per_kw_month", .number, unit: "currency per kW-month", default: .value("600"), range: ValueRange(0, 1e6),
                    bind: .at(\.scenario.dataCentres.colocationPerKWMonth),
                    doc: "Colocation price per kW of facility power, paid monthly."),
        SchemaEntry("datacentres.min_build_mw", .number, unit: "MW", default: .value("1"), range: ValueRange(0, 1e4, lowerOpen: true),
                    bind: .at(\.scenario.dataCentres.minBuildMW),
                    doc: "Smallest build, MW of facility power."),
        SchemaEntry("datacentres.colocation_price_slope", .number, default: .value("0"), range: ValueRange(0, 100),
                    bind: .at(\.scenario.dataCentres.colocationPriceSlope),
                    doc: "γ: a new colocation contract in a region with colocation_mw costs base·(1 + γ·o/(1 − o)), o the region's occupancy with the contract (capped at 0.95); 0 keeps the base price."),
        SchemaEntry("datacentres.colocation_term_months", .number, unit: "months", default: .none, range: ValueRange(0, 600, lowerOpen: true),
                    bind: .at(\.scenario.dataCentres.colocationTermMonths),
                    doc: "Minimum term of a colocation contract: paid to its end whatever the firm uses, then renewed at the price of the day for the kW its units still need (the rest goes back to the region). Absent: contracts are open-ended at the price they were taken at."),
        SchemaEntry("datacentres.build_overrun", .distribution, default: .value("0"), range: ValueRange(0, 10),
                    bind: .at(\.scenario.dataCentres.buildOverrun),
                    doc: "A build's cost overrun as a share of its planned cost (drawn for each build): paid with the capex as the build goes."),

        SchemaEntry("expansion", .section, default: .value("{}"),
                    doc: "Expectations and expansion: each firm with expands: true reviews its capacity every quarter."),
        SchemaEntry("expansion.kappa", .number, unit: "per year", default: .value("1"), range: ValueRange(0, 100),
                    bind: .at(\.scenario.expansion.kappa),
                    doc: "Speed κ at which the expected price reverts to the long-run cost path: p_e(τ) = p_LR(τ) + (p̂ − p_LR(0))·e^(−κτ)."),
        SchemaEntry("expansion.tech_decline", .number, unit: "per year", default: .value("0.24"), range: ValueRange(-1, 1, upperOpen: true),
                    bind: .at(\.scenario.expansion.techDecline),
                    doc: "Annual decline g_tech of the long-run cost path: p_LR(τ) = p_LR(0)·(1 − g_tech)^τ."),
        SchemaEntry("expansion.supply_line_weight", .number, default: .value("0.5"), range: share,
                    bind: .at(\.scenario.expansion.supplyLineWeight),
                    doc: "Supply-line weight θ_s: the share of units on order counted when ordering, q = D̂·(1 + g_D)^L̂/u* − K_installed − θ_s·K_pipeline. Below 1, booms overshoot."),
        SchemaEntry("expansion.hurdle", .number, default: .value("1.2"), range: ValueRange(1, 100),
                    bind: .at(\.scenario.expansion.hurdle),
                    doc: "Hurdle multiple H ≥ 1: a firm orders only if a unit's NPV ≥ (H − 1)·P_chip."),
        SchemaEntry("expansion.order_fraction", .number, default: .value("1"), range: ValueRange(0, 1, lowerOpen: true),
                    bind: .at(\.scenario.expansion.orderFraction),
                    doc: "Share of the gap ordered at each review (smoothing)."),
        SchemaEntry("expansion.prefer_colocation", .bool, default: .value("true"),
                    bind: .at(\.scenario.expansion.preferColocation),
                    doc: "When units need power: take colocation (true) or build (false)."),
        SchemaEntry("expansion.patience_months", .number, unit: "months", default: .none, range: ValueRange(0, 600, lowerOpen: true),
                    bind: .at(\.scenario.expansion.patienceMonths),
                    doc: "A firm's patience with a vendor's backlog: a tier whose expected lead time (backlog and transit) is longer counts as one it cannot buy new — it orders the substitute its tenants accept that returns most, and demand it turns away for the tier counts toward starvation. Absent: any lead time is waited out."),
        SchemaEntry("expansion.signed_weight", .number, default: .value("0"), range: share,
                    bind: .at(\.scenario.expansion.signedWeight),
                    doc: "w_s: the rent an investment is valued from blends the rent signed in the market in the month just closed (its short-term price, else its mean signed price, else its index) with the firm's own list price: p̂ = w_s·signed + (1 − w_s)·list. 0 values units from the list price alone."),
        SchemaEntry("expansion.trend_weight", .number, default: .value("0"), range: share,
                    bind: .at(\.scenario.expansion.trendWeight),
                    doc: "θ: the share of the signed rent's trend a firm extrapolates over a unit's lead time L̂: p̂·(1 + θ·ĝ)^L̂, ĝ the annualised change of the signed rent over the last trend_months (clamped to −75%…+100% a year). The expected price then reverts to the long-run cost path at κ. 0: no trend."),
        SchemaEntry("expansion.trend_months", .number, unit: "months", default: .value("6"), range: ValueRange(1, 36),
                    bind: .at(\.scenario.expansion.trendMonths),
                    doc: "The window of the signed rent's trend (fewer months at the start of a run: the trend over the months there are)."),

        SchemaEntry("sublease", .section, default: .value("{}"), doc: "Sublessor, broker and hybrid parameters shared by all firms."),
        SchemaEntry("sublease.wholesale_discount", .number, default: .value("0.25"), range: ValueRange(0, 1, upperOpen: true),
                    bind: .at(\.scenario.sublease.wholesaleDiscount),
                    doc: "m_w: the wholesale discount. Each owner and hybrid offers its idle units to sublessors at w = I·(1 − m_w·clamp((1 − u)/(1 − u*), 0, 2)), I the tier's price index, u the owner's utilisation of the tier last month, floored at the owner's price floor; at u = u*, w = (1 − m_w)·I. The price is locked for the rent-in term."),
        SchemaEntry("sublease.wholesale_share", .number, default: .value("0.5"), range: share,
                    bind: .at(\.scenario.sublease.wholesaleShare),
                    doc: "s_w: the share of its units not leased to tenants that an active owner or hybrid offers to sublessors (units already let to sublessors count against it). Sublessors rent the cheapest offers first; a sublessor never holds more rented-in units than owners offer (plus overseas lines)."),
        SchemaEntry("sublease.overseas", .namedList, default: .value("[]"), count: 0...256,
                    bind: .list(\.scenario.sublease.overseas, blank: Blank.overseas),
                    doc: "Capacity sublessors can rent from abroad: named, finite lines used only when owners' offers run out (cheapest line first), billed by the sublessor at the line's price. Their units are not part of the domestic stock."),
        SchemaEntry("sublease.overseas[].name", .name, default: .required, bind: .at(\.scenario.sublease.overseas, \.name),
                    doc: "Line name (the platform or operator rented from)."),
        SchemaEntry("sublease.overseas[].tier", .reference("tiers"), default: .required,
                    bind: .reference(\.scenario.sublease.overseas, \.tier, in: \.tiers),
                    doc: "The tier the line rents out."),
        SchemaEntry("sublease.overseas[].units", .integer, unit: "accelerators", default: .required, range: ValueRange(0, 1e8),
                    bind: .at(\.scenario.sublease.overseas, \.units),
                    doc: "The most units that can be rented from the line at once (over all sublessors)."),
        SchemaEntry("sublease.overseas[].price", .number, unit: "currency per accelerator-hour", default: .required,
                    range: ValueRange(0, 1e6, lowerOpen: true), bind: .at(\.scenario.sublease.overseas, \.price),
                    doc: "Price per accelerator-hour, all-in (the operator abroad pays the power), fixed for the run."),
        SchemaEntry("sublease.overseas[].jurisdiction", .name, default: .required,
                    bind: .at(\.scenario.sublease.overseas, \.jurisdiction),
                    doc: "Where the capacity sits (any name; it need not be a region's or a firm's). The line is closed in months the supply of its tier to that jurisdiction is cut to zero with no grey import."),
        SchemaEntry("sublease.rent_in_term_months", .number, unit: "months", default: .value("24"), range: ValueRange(0, 600, lowerOpen: true),
                    bind: .at(\.scenario.sublease.rentInTermMonths),
                    doc: "Term of rent-in contracts (and the default term of providers[].rent_in)."),
        SchemaEntry("sublease.broker_commission", .number, default: .value("0.08"), range: share,
                    bind: .at(\.scenario.sublease.brokerCommission),
                    doc: "Broker commission c: a broker quotes an affiliate's price·(1 + c) and books c of the contract value."),
        SchemaEntry("sublease.hybrid_markup", .number, default: .value("0.15"), range: ValueRange(-0.9, 10),
                    bind: .at(\.scenario.sublease.hybridMarkup),
                    doc: "Markup of a hybrid's buy quote: chip price·(1 + markup)."),

        SchemaEntry("entry", .section, default: .value("{}"),
                    doc: "Entry of new firms from the entrants templates: λ_E(t) = max_rate·Σ_k w_k/W·F((π_k + P(t) − π_mid)/σ) firms per year, F(x) = 1/(1 + e^−x), π_k template k's expected return on the outlay of its first order if it entered now (its NPV at the market's current rents, utilisation, chip prices and lead times, over the outlay), P(t) the capital-market premium."),
        SchemaEntry("entry.max_rate", .number, unit: "firms per year", default: .value("0"), range: ValueRange(0, 1000),
                    bind: .at(\.scenario.entry.maxRate),
                    doc: "λ_max: the entry rate when entering pays every potential entrant (0: no entry; above 0 needs at least one entrants template)."),
        SchemaEntry("entry.median_return", .number, default: .value("0"), range: ValueRange(-10, 10),
                    bind: .at(\.scenario.entry.medianReturn),
                    doc: "π_mid: the expected return on outlay (NPV over outlay, plus the premium) at which half the potential entrants enter: their median hurdle; below 0 when entrants were more optimistic than the model's expected rents."),
        SchemaEntry("entry.return_spread", .number, default: .value("0.1"), range: ValueRange(0, 10, lowerOpen: true),
                    bind: .at(\.scenario.entry.returnSpread),
                    doc: "σ: the logistic scale of potential entrants' hurdles around median_return (small: entry switches on sharply)."),
        SchemaEntry("entry.premium", .list, default: .value("[]"), count: 0...240,
                    bind: .custom { d, v, _ in d.scenario.entry.premium = Array(repeating: (from: Blank.month, share: 0), count: v.count) },
                    doc: "Dated capital-market premiums P(t), a share of the outlay added to every template's expected return: value an entrant gains beyond the project (a listed firm's re-rating on announcing compute leasing, a subsidy). The latest one dated at or before a month applies (0 before the first)."),
        SchemaEntry("entry.premium[].from", .month, default: .required,
                    bind: .custom { d, v, c in d.scenario.entry.premium[c.at[0]].from = YearMonth(bound: v) },
                    doc: "First month the premium applies: increasing down the list, no later than the last month of the horizon (earlier than the start is allowed)."),
        SchemaEntry("entry.premium[].share", .number, default: .required, range: ValueRange(-10, 100), bind: .custom { d, v, c in d.scenario.entry.premium[c.at[0]].share = Double(bound: v) },
                    doc: "The premium P, a share of the outlay (0.3: entering is worth 30% of what it costs beyond the project's NPV; negative: a discount)."),
        SchemaEntry("entry.max_entrants", .integer, unit: "firms", default: .value("200"), range: ValueRange(0, 10_000),
                    bind: .at(\.scenario.entry.maxEntrants),
                    doc: "At most this many entrants in one replication."),

        SchemaEntry("starvation", .section, default: .value("{}"),
                    doc: "Exit by starvation, checked at a quarterly review: a firm that turns away a large share of the demand made of it for want of chips it cannot buy (no supply to its jurisdiction this month: banned without grey imports, not yet released, or no supply line), and whose fleet is worth more sold at the used price than carried on, sells its chips and exits as `starved`."),
        SchemaEntry("starvation.refused_share", .number, default: .value("0.25"), range: share,
                    bind: .at(\.scenario.starvation.refusedShare),
                    doc: "s_ref: the share of the demand made of the firm over the trailing year (units leased, on average, plus units turned away for want of chips it cannot buy) that it turned away, at or above which it is starved when liquidating beats carrying on."),

        SchemaEntry("national", .section, default: .value("{}"),
                    doc: "The national target the modelled firms' installed EFLOPS are compared with (indicative)."),
        SchemaEntry("national.target_eflops", .number, unit: "EFLOPS", default: .value("105"), range: ValueRange(0, 1e6),
                    bind: .at(\.scenario.nationalTargetEFLOPS),
                    doc: "National intelligent-compute target: 35% of the more than 300 EFLOPS planned for 2025 (national plan, October 2023)."),
        SchemaEntry("national.leasing_coverage_share", .number, default: .value("0.1"), range: share,
                    bind: .at(\.scenario.leasingCoverageShare),
                    doc: "Share of the target the modelled leasing firms are meant to cover (an assumption)."),

        SchemaEntry("limits", .section, default: .value("{}"), doc: "Safety limits."),
        SchemaEntry("limits.max_events", .integer, unit: "events", default: .value("100000000"), range: ValueRange(1, 1e12),
                    drawable: false, bind: .at(\.scenario.limits.maxEvents),
                    doc: "A replication that processes more events stops with an error."),
    ]

    // MARK: Lookup

    /// Entry index by key path.
    static let index: [String: Int] = {
        var d: [String: Int] = [:]
        for (i, e) in entries.enumerated() { d[e.keyPath] = i }
        return d
    }()

    /// Child entry indices by the path of the map that holds them (`""` for the top level,
    /// `tiers[]` for a tier, `providers[].prices` for the price map's values).
    static let children: [String: [Int]] = {
        var d: [String: [Int]] = [:]
        for (i, e) in entries.enumerated() { d[e.parentPath, default: []].append(i) }
        return d
    }()

    /// The entry at a schema key path.
    public static func entry(_ keyPath: String) -> SchemaEntry? { index[keyPath].map { entries[$0] } }

    /// The path under which a container's own keys are listed: `tiers[]` for a list,
    /// `providers[].prices` for a keyed map, the path itself for a section.
    static func childPrefix(of e: SchemaEntry) -> String {
        switch e.type {
        case .list, .namedList: return e.keyPath + "[]"
        default: return e.keyPath
        }
    }

    /// "tier" for `tiers`, "segment" for `demand.segments`.
    static func singular(_ listPath: String) -> String {
        let last = listPath.split(separator: ".").last.map(String.init) ?? listPath
        return last.hasSuffix("s") ? String(last.dropLast()) : last
    }

    /// The schema key path of a concrete one: `demand.segments[llm-training].rate` →
    /// `demand.segments[].rate`, `providers[0].prices.h800` → `providers[].prices.*`; nil when
    /// no such key exists.
    public static func schemaPath(of concrete: String) -> String? {
        guard let kp = KeyPath(concrete) else { return nil }
        var current = ""            // schema path of the current container's keys
        var last: SchemaEntry? = nil
        for c in kp.components {
            switch c {
            case .key(let k):
                if let l = last, case .keyedBy = l.type {
                    guard let e = entry(l.keyPath + ".*") else { return nil }
                    last = e
                    current = e.keyPath
                    continue
                }
                if let l = last {
                    switch l.type {
                    case .section: break
                    case .list, .namedList: current = l.keyPath + "[]"   // `segments.rate` means any segment
                    default: return nil
                    }
                }
                let path = KeyPath.join(current, k)
                guard let e = entry(path) else { return nil }
                last = e
                current = path
            case .index, .name:
                guard let l = last, l.type == .list || l.type == .namedList, current == l.keyPath else { return nil }
                current = l.keyPath + "[]"
                last = SchemaEntry(current, .section, default: .required, doc: "")
            }
        }
        return last?.keyPath
    }
}
