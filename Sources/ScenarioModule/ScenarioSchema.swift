import MarketModel

/// The scenario format as data: one table of every key, which drives decoding, unknown-key
/// errors, `--set`, `suanli explain` and docs/scenario-format.md.
///
/// Key paths use `[]` for "any entry of a list" and `*` for "any key of a map"; concrete paths in
/// messages use an index or a name: `demand.segments[0].rate`, `demand.segments[llm-training].rate`.
public enum ScenarioSchema {
    private static let money = ValueRange(0, 1e15)
    private static let share = ValueRange(0, 1)
    private static let hourPrice = ValueRange(0, 1e6, lowerOpen: true)
    private static let count7 = ValueRange(0, 1e7)
    private static let months = ValueRange(1, 600)

    /// Every key, parents before children, in the order resolved scenarios list them.
    public static let entries: [SchemaEntry] = [
        // MARK: The run
        SchemaEntry("name", .name, default: .required,
                    doc: "Scenario name: names the output folder Results/<name>/ and fills the `scenario` column of every CSV."),
        SchemaEntry("description", .text, default: .value("\"\""), count: 0...10_000,
                    doc: "Free text for readers and manifests."),
        SchemaEntry("start", .month, default: .required, doc: "First simulated month."),
        SchemaEntry("horizon_months", .integer, unit: "months", default: .required, range: months, drawable: false,
                    doc: "Number of simulated months."),
        SchemaEntry("currency", .name, default: .required,
                    doc: "Currency of every money amount (a label such as CNY or USD; nothing is converted)."),

        // MARK: Hardware
        SchemaEntry("tiers", .namedList, default: .required, count: 1...64,
                    doc: "Catalogue of hardware tiers: one accelerator with its share of server and network."),
        SchemaEntry("tiers[].name", .name, default: .required, doc: "Tier name, used by segments, fleets and prices."),
        SchemaEntry("tiers[].tflops", .number, unit: "TFLOPS", default: .required, range: ValueRange(0, 1e6, lowerOpen: true),
                    doc: "Dense FP16 TFLOPS per accelerator."),
        SchemaEntry("tiers[].eta", .number, default: .value("1"), range: ValueRange(0, 1, lowerOpen: true),
                    doc: "Ecosystem efficiency η: the share of the TFLOPS a tenant's software gets (1 for CUDA tiers, lower for domestic ones). Effective performance is tflops·eta."),
        SchemaEntry("tiers[].porting_penalty", .number, unit: "utility", default: .value("0"), range: ValueRange(0, 10),
                    doc: "Utility penalty π a tenant pays for porting its software to this tier."),
        SchemaEntry("tiers[].power_kw", .number, unit: "kW", default: .required, range: ValueRange(0, 100, lowerOpen: true),
                    doc: "Power per accelerator, its server share included."),
        SchemaEntry("tiers[].purchase_cost", .number, unit: "currency", default: .required, range: ValueRange(0, 1e9, lowerOpen: true),
                    doc: "Purchase cost per accelerator, server and network share included."),
        SchemaEntry("tiers[].life_years", .number, unit: "years", default: .value("5"), range: ValueRange(0, 30, lowerOpen: true),
                    doc: "Depreciation life (straight line)."),
        SchemaEntry("tiers[].physical_life_years", .number, unit: "years", default: .computed("life_years + 2"),
                    range: ValueRange(0, 40, lowerOpen: true),
                    doc: "Physical life: units retire at this age. Must be at least life_years."),
        SchemaEntry("tiers[].used_decline", .number, unit: "per year", default: .value("0.25"), range: share,
                    doc: "Annual decline δ_sec of the used-market value: V(age) = purchase_cost·(1 − δ_sec)^age."),
        SchemaEntry("tiers[].reference_price", .number, unit: "currency per accelerator-hour", default: .required, range: hourPrice,
                    doc: "Reference rental price at release; the price cap is a multiple of it, and firms without a price for the tier start from it."),
        SchemaEntry("tiers[].release", .month, default: .none, doc: "Release month, if it matters (absent: always available)."),

        // MARK: Sites
        SchemaEntry("regions", .namedList, default: .required, count: 1...64, doc: "Sites where firms run data centres."),
        SchemaEntry("regions[].name", .name, default: .required, doc: "Region name, used by providers."),
        SchemaEntry("regions[].jurisdiction", .name, default: .required,
                    doc: "Export-control jurisdiction (such as cn or intl); decides which tiers firms there can buy."),
        SchemaEntry("regions[].electricity_price", .number, unit: "currency per kWh", default: .required, range: ValueRange(0, 1000),
                    doc: "Electricity price."),
        SchemaEntry("regions[].pue", .number, default: .value("1.5"), range: ValueRange(1, 5),
                    doc: "Power usage effectiveness: facility kW per IT kW."),

        // MARK: Demand
        SchemaEntry("demand", .section, default: .required, doc: "Who wants compute."),
        SchemaEntry("demand.segments", .namedList, default: .required, count: 1...256,
                    doc: "Tenant segments: each arrives as a Poisson process and draws its tenants' attributes."),
        SchemaEntry("demand.segments[].name", .name, default: .required, doc: "Segment name."),
        SchemaEntry("demand.segments[].rate", .number, unit: "tenants per year", default: .required, range: count7,
                    doc: "Arrival rate λ0 at the start."),
        SchemaEntry("demand.segments[].growth", .section, default: .value("{kind: exponential, rate: 0}"),
                    doc: "How the arrival rate moves over time (demand shocks multiply it further)."),
        SchemaEntry("demand.segments[].growth.kind", .choice(["exponential", "logistic"]), default: .value("exponential"),
                    doc: "exponential: λ(t) = λ0·(1 + rate)^(t/365); logistic: λ(t) = K/(1 + (K/λ0 − 1)·e^(−rate·t/365)) toward the ceiling K (t in days)."),
        SchemaEntry("demand.segments[].growth.rate", .number, unit: "per year", default: .value("0"),
                    range: ValueRange(-1, 100, lowerOpen: true),
                    doc: "Growth rate g (exponential) or speed r (logistic)."),
        SchemaEntry("demand.segments[].growth.ceiling", .number, unit: "tenants per year", default: .required,
                    range: ValueRange(0, 1e7, lowerOpen: true), kinds: ["logistic"],
                    doc: "Ceiling K of a logistic growth."),
        SchemaEntry("demand.segments[].tier", .reference("tiers"), default: .required, doc: "The tier its tenants want."),
        SchemaEntry("demand.segments[].substitutes", .references("tiers"), default: .value("[]"), count: 0...64,
                    doc: "Other tiers its tenants accept, needing ⌈N·E_wanted/E_substitute⌉ units of them (E = tflops·eta)."),
        SchemaEntry("demand.segments[].units", .distribution, unit: "accelerators", default: .value("1"), range: ValueRange(1, 1e7),
                    doc: "Units N a tenant wants (drawn per tenant, rounded up, at least 1); heavy tails (pareto, lognormal) give the large customers."),
        SchemaEntry("demand.segments[].term_months", .distribution, unit: "months", default: .value("12"),
                    range: ValueRange(0, 600, lowerOpen: true),
                    doc: "Contract term (drawn per tenant; fractional allowed, at least 1/30 month)."),
        SchemaEntry("demand.segments[].reservation_price", .distribution, unit: "currency per accelerator-hour", default: .required,
                    range: hourPrice,
                    doc: "Reservation price r: the most a tenant pays per accelerator-hour, on-demand equivalent (drawn per tenant)."),
        SchemaEntry("demand.segments[].price_sensitivity", .distribution, default: .value("4"), range: ValueRange(0, 1000),
                    doc: "Price sensitivity β in the tenant's logit utility β·(r − c)/r + reputation − π − α·wait + ε (drawn per tenant)."),
        SchemaEntry("demand.segments[].max_wait_days", .distribution, unit: "days", default: .value("0"), range: ValueRange(0, 3650),
                    doc: "How long a tenant waits for units before it is lost (drawn per tenant; 0: never waits)."),
        SchemaEntry("demand.segments[].take_or_pay_share", .number, default: .value("0"), range: share,
                    doc: "Share of tenants signing take-or-pay contracts (pay for the whole term; end early only by default)."),
        SchemaEntry("demand.segments[].default_hazard", .number, unit: "per year", default: .value("0"), range: ValueRange(0, 100),
                    doc: "Default hazard of take-or-pay contracts (multiplied by default shocks)."),
        SchemaEntry("demand.segments[].recovery_rate", .number, default: .value("0.4"), range: share,
                    doc: "Share of a defaulted contract's remaining payments recovered."),
        SchemaEntry("demand.segments[].renew_probability", .number, default: .value("0.5"), range: share,
                    doc: "Probability π_renew that a tenant renews at the end of its contract (at the provider's current price, if acceptable)."),
        SchemaEntry("demand.segments[].outside_option", .bool, default: .value("true"),
                    doc: "Whether tenants may walk away with the outside option (utility ε_0) even when a quote is acceptable."),

        // MARK: Firms
        SchemaEntry("providers", .namedList, default: .required, count: 1...1000, doc: "The firms at the start."),
        SchemaEntry("providers[].name", .name, default: .required, doc: "Firm name (CSV `firm` column)."),
        SchemaEntry("providers[].model", .choice(BusinessModel.allCases.map(\.rawValue)), default: .value("owner"),
                    doc: "Business model: owner buys and leases out units; sublessor rents capacity in and sublets it; broker resells affiliated owners' capacity for a commission; hybrid is an owner that also sells servers."),
        SchemaEntry("providers[].region", .reference("regions"), default: .required, doc: "The firm's site."),
        SchemaEntry("providers[].jurisdiction", .name, default: .computed("the region's jurisdiction"),
                    doc: "Export-control jurisdiction, when it differs from the site's."),
        SchemaEntry("providers[].cash", .number, unit: "currency", default: .required, range: money, doc: "Cash at the start."),
        SchemaEntry("providers[].debt", .number, unit: "currency", default: .value("0"), range: money,
                    doc: "Debt at the start, amortising over finance.debt_term_months."),
        SchemaEntry("providers[].fleet", .list, default: .value("[]"), count: 0...1000, doc: "Units held at the start, by cohort."),
        SchemaEntry("providers[].fleet[].tier", .reference("tiers"), default: .required, doc: "The cohort's tier."),
        SchemaEntry("providers[].fleet[].units", .integer, unit: "accelerators", default: .required, range: count7,
                    doc: "Units in the cohort."),
        SchemaEntry("providers[].fleet[].age_months", .integer, unit: "months", default: .value("0"), range: ValueRange(0, 600),
                    doc: "The cohort's age at the start."),
        SchemaEntry("providers[].fleet[].leased_share", .number, default: .value("0"), range: share,
                    doc: "Share of the cohort's units under contract at the start: a book of leases part-way through their terms, drawn from the segments that want the tier (so a scenario need not start with every firm empty)."),
        SchemaEntry("providers[].prices", .keyedBy("tiers"), default: .value("{}"), count: 0...64,
                    doc: "Initial list prices by tier (tier: price); tiers not listed start at their reference_price."),
        SchemaEntry("providers[].prices.*", .number, unit: "currency per accelerator-hour", default: .required, range: hourPrice,
                    doc: "Initial list price of one tier."),
        SchemaEntry("providers[].pricing", .choice(PricingPolicy.allCases.map(\.rawValue)), default: .value("adaptive"),
                    doc: "Monthly pricing policy: adaptive (utilisation and refused demand move the price, pulled toward the index), cost-plus, undercut (below the lowest rival), fixed (never changes)."),
        SchemaEntry("providers[].visibility", .number, default: .value("0.5"), range: share,
                    doc: "Visibility intercept v_0: chance a tenant considers the firm, before the capacity-share term."),
        SchemaEntry("providers[].reputation", .number, unit: "utility", default: .value("0"), range: ValueRange(-10, 10),
                    doc: "Reputation added to tenants' utility for this firm."),
        SchemaEntry("providers[].cost_of_capital", .number, unit: "per year", default: .value("0.1"), range: share,
                    doc: "Cost of capital ρ: discounts cash flows and prices capital in cost-based prices."),
        SchemaEntry("providers[].fixed_opex_monthly", .number, unit: "currency per month", default: .value("0"), range: money,
                    doc: "Fixed operating cost."),
        SchemaEntry("providers[].opex_per_unit_monthly", .number, unit: "currency per unit-month", default: .value("0"),
                    range: ValueRange(0, 1e9), doc: "Operating cost per installed unit."),
        SchemaEntry("providers[].ltv_cap", .number, default: .value("0.65"), range: share,
                    doc: "Loan-to-value cap on the used-market value of the fleet."),
        SchemaEntry("providers[].min_cash", .number, unit: "currency", default: .value("0"), range: money,
                    doc: "Cash floor kept before a covenant sweep or a draw."),
        SchemaEntry("providers[].parent_support", .number, unit: "currency", default: .value("0"), range: money,
                    doc: "Equity the parent can still inject."),
        SchemaEntry("providers[].soft_budget", .bool, default: .value("false"),
                    doc: "State-backed: prices at cost and never exits by losses."),
        SchemaEntry("providers[].floating_rate", .bool, default: .value("false"),
                    doc: "Whether loans float over finance.base_rate (true) or keep a fixed rate (false)."),
        SchemaEntry("providers[].interest_rate", .number, unit: "per year", default: .value("0.1"), range: share,
                    doc: "The fixed loan rate, or the spread over the base rate when floating."),

        // MARK: Reserved for later issues
        SchemaEntry("entrants", .reserved, default: .value("[]"),
                    doc: "Templates of firms that may enter. Reserved: must be empty for now."),
        SchemaEntry("supply", .reserved, default: .value("[]"),
                    doc: "Chip supply by tier and jurisdiction. Reserved: must be empty for now."),

        // MARK: Dated events
        SchemaEntry("shocks", .list, default: .value("[]"), count: 0...1000, doc: "Dated events that change demand, defaults or rates."),
        SchemaEntry("shocks[].kind", .choice(["demand", "default", "base_rate"]), default: .required,
                    doc: "demand multiplies arrival rates on [from, to); default multiplies take-or-pay default hazards on [from, to); base_rate sets finance.base_rate from `from` on."),
        SchemaEntry("shocks[].segment", .reference("demand.segments"), default: .none, kinds: ["demand", "default"],
                    doc: "The segment it applies to (absent: every segment)."),
        SchemaEntry("shocks[].from", .month, default: .required, doc: "First month it applies (inside the horizon)."),
        SchemaEntry("shocks[].to", .month, default: .none, kinds: ["demand", "default"],
                    doc: "First month it no longer applies (absent: to the end)."),
        SchemaEntry("shocks[].multiplier", .number, default: .required, range: ValueRange(0, 1000), kinds: ["demand", "default"],
                    doc: "Factor applied to the rate or hazard."),
        SchemaEntry("shocks[].rate", .number, unit: "per year", default: .required, range: ValueRange(-0.05, 1), kinds: ["base_rate"],
                    doc: "The new base rate."),
        SchemaEntry("policy", .reserved, default: .value("{}"),
                    doc: "Compute vouchers and other policy. Reserved: must be empty for now."),

        // MARK: Market-wide parameters
        SchemaEntry("pricing", .section, default: .value("{}"), doc: "Market-wide pricing parameters."),
        SchemaEntry("pricing.k_u", .number, default: .value("0.15"), range: ValueRange(0, 10),
                    doc: "Utilisation gain k_u: ln p moves by k_u·(ū − u*) each month."),
        SchemaEntry("pricing.k_x", .number, default: .value("0.1"), range: ValueRange(0, 10),
                    doc: "Refused-demand gain k_x: ln p moves by k_x·x̄ (units refused over units installed)."),
        SchemaEntry("pricing.index_weight", .number, default: .value("0.2"), range: share,
                    doc: "Weight w pulling a list price toward last month's price index."),
        SchemaEntry("pricing.target_utilisation", .number, default: .value("0.8"), range: ValueRange(0, 1, lowerOpen: true),
                    doc: "Target utilisation u*."),
        SchemaEntry("pricing.cap_multiple", .number, default: .value("4"), range: ValueRange(1, 1000),
                    doc: "Price cap as a multiple of the tier's reference price."),
        SchemaEntry("pricing.cost_plus_markup", .number, default: .value("0.2"), range: ValueRange(-0.9, 10),
                    doc: "Markup m of the cost-plus policy."),
        SchemaEntry("pricing.undercut", .number, default: .value("0.05"), range: ValueRange(0, 0.9),
                    doc: "Undercut ε of the undercut policy."),
        SchemaEntry("pricing.term_discounts", .list,
                    default: .value("[{months: 12, discount: 0.1}, {months: 36, discount: 0.2}, {months: 60, discount: 0.25}]"),
                    count: 0...32,
                    doc: "Discounts for long terms: a contract of at least `months` gets `discount` off the list price (the largest that applies)."),
        SchemaEntry("pricing.term_discounts[].months", .number, unit: "months", default: .required,
                    range: ValueRange(0, 600, lowerOpen: true), drawable: false,
                    doc: "Minimum term for the discount; increasing down the list."),
        SchemaEntry("pricing.term_discounts[].discount", .number, default: .required, range: ValueRange(0, 1, upperOpen: true),
                    doc: "Discount as a share of the list price."),
        SchemaEntry("pricing.visibility_slope", .number, default: .value("0.5"), range: ValueRange(0, 10),
                    doc: "Visibility slope v_1 on a firm's capacity share."),
        SchemaEntry("pricing.idle_power_share", .number, default: .value("0.3"), range: share,
                    doc: "Share of full power an idle installed unit draws."),

        SchemaEntry("contracts", .section, default: .value("{}"), doc: "Contract parameters."),
        SchemaEntry("contracts.cancel_hazard", .number, unit: "per year", default: .value("0.05"), range: ValueRange(0, 100),
                    doc: "Base cancellation hazard h_c0 of contracts that are not take-or-pay."),
        SchemaEntry("contracts.cancel_hazard_slope", .number, unit: "per year", default: .value("1"), range: ValueRange(0, 100),
                    doc: "Extra cancellation hazard h_c1 per unit of relative overpricing max(0, p/I − 1)."),
        SchemaEntry("contracts.cancel_fee_months", .number, unit: "months", default: .value("1"), range: ValueRange(0, 600),
                    doc: "Months of rent paid as a cancellation fee."),

        SchemaEntry("finance", .section, default: .value("{}"), doc: "Financing parameters."),
        SchemaEntry("finance.base_rate", .number, unit: "per year", default: .value("0.04"), range: ValueRange(-0.05, 1),
                    doc: "Base rate under floating loans (moved by base_rate shocks)."),
        SchemaEntry("finance.debt_term_months", .integer, unit: "months", default: .value("60"), range: months,
                    doc: "Amortisation term of initial and new loans."),

        SchemaEntry("exit", .section, default: .value("{}"), doc: "Exit and fire-sale parameters."),
        SchemaEntry("exit.loss_quarters", .integer, unit: "quarters", default: .value("4"), range: ValueRange(1, 200),
                    doc: "N: consecutive quarters of operating cash flow minus interest below zero before a `losing` exit is considered."),
        SchemaEntry("exit.fire_sale_max_discount", .number, default: .value("0.5"), range: share,
                    doc: "δ_max: the largest fire-sale discount."),
        SchemaEntry("exit.market_depth_share", .number, default: .value("0.02"), range: ValueRange(0, 1, lowerOpen: true),
                    doc: "Market depth D_½ as a share of the tier's installed base: dumping D_½ units halves δ_max."),
        SchemaEntry("exit.used_stock_share", .number, default: .value("0.5"), range: share,
                    doc: "φ: share of dumped units that become used stock other firms can buy."),

        SchemaEntry("limits", .section, default: .value("{}"), doc: "Safety limits."),
        SchemaEntry("limits.max_events", .integer, unit: "events", default: .value("100000000"), range: ValueRange(1, 1e12),
                    drawable: false, doc: "A replication that processes more events stops with an error."),
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
