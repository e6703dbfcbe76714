import MarketModel
import Tables

/// The columns of every CSV file a run writes. The data dictionary (`Results/README.md`)
/// is generated from these lists; see ``DataDictionary``.
public enum OutputSchemas {
    // MARK: Identifying columns

    static let scenarioDoc = "Scenario name (the `name` in the scenario file)."
    static let pointDoc = "Index of the point in a sweep or comparison, from 0; always 0 for `suanli run`."
    static let replicationDoc = "Replication index, from 0."
    static let monthDoc = "Calendar month (the scenario start plus the month index)."
    static let firmOrderDoc = "the replication's firm order: the scenario's providers, then entrants in order of entry"
    static let businessModelDoc = "`owner`, `sublessor`, `broker` or `hybrid`."
    static let templateDoc = "Entrant template the firm was made from, or the population it belongs to (a firm of a "
        + "provider entry with `count` > 1, present at the start; its rows are written only with `--members`); empty "
        + "for firms present at the start declared one by one."

    static func keyColumns<R>(_ scenario: @escaping @Sendable (R) -> String, _ point: @escaping @Sendable (R) -> Int,
                              _ replication: (@Sendable (R) -> Int)?) -> [CSVColumn<R>] {
        var cols: [CSVColumn<R>] = [
            CSVColumn("scenario", "", scenarioDoc) { .text(scenario($0)) },
            CSVColumn("point", "", pointDoc) { .int(point($0)) },
        ]
        if let replication { cols.append(CSVColumn("replication", "", replicationDoc) { .int(replication($0)) }) }
        return cols
    }

    static func flag(_ b: Bool) -> CSVValue { .text(b ? "true" : "false") }

    /// A firm-month's count of `figure` for tier `t`; empty when the record has fewer tiers.
    static func tierInt(_ row: FirmMonthRow, _ figure: TierFigures.Figure, _ t: Int) -> CSVValue {
        t < row.record.perTier.tierCount ? .int(row.record.perTier[figure, t]) : .empty
    }

    // MARK: firms_monthly.csv

    public static let firmsMonthly = CSVSchema<FirmMonthRow>(
        file: "firms_monthly.csv",
        summary: "One row per replication, firm and month: the firm's cash identity, accounts, fleet, power and prices. "
            + "Firms present at the start have a row for every month of the horizon. A firm that entered during the "
            + "run (an entrant: `template` is not empty; named `<template>-<n>`) has rows from its entry month on, "
            + "none before: its first row has `cash_start` 0 and the capital it starts with in `equity_raised`. The "
            + "number of firms, and so of rows, can differ between replications. A firm that exited keeps one row per "
            + "month to the horizon, with `status` `exited`. The firms of a population (`providers[].count` > 1, named "
            + "`<population>-<k>`) have rows only when the run was asked for them (`suanli run --members`).",
        rowOrder: "point, replication, firm (" + firmOrderDoc + "), month.",
        columns: keyColumns({ $0.scenario }, { $0.point }, { $0.replication }) + [
            CSVColumn("month", "YYYY-MM", monthDoc) { .text($0.month) },
            CSVColumn("firm", "", "Firm name.") { .text($0.firm) },
            CSVColumn("business_model", "", businessModelDoc) { .text($0.businessModel) },
            CSVColumn("template", "", templateDoc) { .string($0.template) },
            CSVColumn("cash_start", "currency", "Cash at the start of the month.") { .double($0.record.cashStart) },
            CSVColumn("revenue", "currency",
                      "Operating cash inflow of the month; includes `rent_revenue`, `commission_revenue`, `server_sales`, "
                        + "`claims_recovered`, `cancel_fees` and voucher income, less `cancellation_penalties`.") {
                .double($0.record.revenue)
            },
            CSVColumn("asset_sales", "currency", "Proceeds from units sold or dumped.") { .double($0.record.assetSales) },
            CSVColumn("debt_drawn", "currency", "New borrowing drawn.") { .double($0.record.debtDrawn) },
            CSVColumn("equity_raised", "currency", "Equity put in (parent support).") { .double($0.record.equityRaised) },
            CSVColumn("power_cost", "currency", "Electricity bill.") { .double($0.record.powerCost) },
            CSVColumn("colocation_cost", "currency", "Fees for space in data centres of others.") {
                .double($0.record.colocationCost)
            },
            CSVColumn("rent_in_cost", "currency", "Rent paid for capacity rented in.") { .double($0.record.rentInCost) },
            CSVColumn("fixed_opex", "currency", "Fixed and per-unit operating cost.") { .double($0.record.fixedOpex) },
            CSVColumn("interest", "currency", "Interest paid.") { .double($0.record.interest) },
            CSVColumn("capex", "currency", "Spending on units and data-centre capacity, net of `refunds`.") { .double($0.record.capex) },
            CSVColumn("debt_repaid", "currency", "Principal repaid.") { .double($0.record.debtRepaid) },
            CSVColumn("cash_end", "currency",
                      "Cash at month end = `cash_start` + `revenue` + `asset_sales` + `debt_drawn` + `equity_raised` − "
                        + "`power_cost` − `colocation_cost` − `rent_in_cost` − `fixed_opex` − `interest` − `capex` − "
                        + "`debt_repaid` (up to rounding).") { .double($0.record.cashEnd) },
            CSVColumn("depreciation", "currency", "Depreciation charged.") { .double($0.record.depreciation) },
            CSVColumn("book_value_disposed", "currency", "Book value of units sold or dumped.") {
                .double($0.record.bookValueDisposed)
            },
            CSVColumn("impairment", "currency",
                      "Impairment of owned units charged at the firm's quarterly review (IAS 36; CAS 8): per tier, book value "
                        + "written down to the recoverable amount, the higher of the used-market value and the value in use; a "
                        + "reversal (IFRS firms only) is negative. Non-cash: in `net_income`, not in cash or `gross_margin`.") {
                .double($0.record.impairment)
            },
            CSVColumn("book_value", "currency",
                      "Carrying amount of the units the firm owns (installed and waiting for power) at month end: cost less "
                        + "depreciation and impairment.") {
                .double($0.record.bookValue)
            },
            CSVColumn("net_income", "currency", "Accounting profit of the month: revenue − cost of revenue (power, colocation, rent-in, "
                        + "depreciation, `book_value_sold`) − fixed opex − interest − `impairment` − `orders_written_off` − "
                        + "(`book_value_disposed` − `asset_sales`).") { .double($0.record.netIncome) },
            CSVColumn("gross_margin", "share", "(revenue − cost of revenue) / revenue; empty when revenue is 0.") {
                .number($0.record.grossMargin)
            },
            CSVColumn("ebitda_margin", "share",
                      "(revenue − power − colocation − rent-in − fixed opex) / revenue; empty when revenue is 0.") {
                .number($0.record.ebitdaMargin)
            },
            CSVColumn("debt", "currency", "Debt outstanding at month end.") { .double($0.record.debt) },
            CSVColumn("utilisation", "share",
                      "Time-averaged share of the firm's units leased out over the month: of its installed units (owners, "
                        + "hybrids), of the units it rents in (sublessors); empty for brokers and when the firm has no units.") {
                .number($0.record.utilisation)
            },
            CSVColumn("status", "", "`active` or `exited` at month end.") { .text($0.record.status.rawValue) },
            CSVColumn("rent_revenue", "currency", "Rent billed on contracts (part of `revenue`).") {
                .double($0.record.rentRevenue)
            },
            CSVColumn("claims_booked", "currency", "Remaining payments of defaulted contracts booked as claims.") {
                .double($0.record.claimsBooked)
            },
            CSVColumn("claims_recovered", "currency", "Cash recovered on claims (part of `revenue`).") {
                .double($0.record.claimsRecovered)
            },
            CSVColumn("cancel_fees", "currency", "Cancellation fees received (part of `revenue`).") {
                .double($0.record.cancelFees)
            },
            CSVColumn("commission_revenue", "currency",
                      "Commission a broker books on the contracts it arranged (part of `revenue`); 0 for other models.") {
                .double($0.record.commissionRevenue)
            },
            CSVColumn("server_sales", "currency",
                      "Proceeds of servers a hybrid sold outright to tenants (part of `revenue`; their book value is in "
                        + "`book_value_sold`); 0 for other models.") {
                .double($0.record.serverSales)
            },
            CSVColumn("book_value_sold", "currency",
                      "Book value of the units a hybrid sold to tenants (part of cost of revenue).") {
                .double($0.record.bookValueSold)
            },
            CSVColumn("voucher_income", "currency",
                      "Compute-voucher income received this month, paid after the programme's lag (part of `revenue`).") {
                .double($0.record.voucherIncome)
            },
            CSVColumn("refunds", "currency",
                      "Money refunded for paid chips that will not be delivered (a ban or cut cancelled the order); "
                        + "already netted out of `capex`.") {
                .double($0.record.refunds)
            },
            CSVColumn("orders_written_off", "currency",
                      "Prepayments of orders an export ban cancelled that the vendor kept (the shock's `refund_share` "
                        + "refunded the rest): a charge in `net_income`; the cash left with the order.") {
                .double($0.record.ordersWrittenOff)
            },
            CSVColumn("cancellation_penalties", "currency",
                      "Penalties paid to the tenants the firm had pre-let the units of a ban-cancelled order to (the "
                        + "shock's `penalty_months` of list rent per unit); they reduce `revenue`.") {
                .double($0.record.cancellationPenalties)
            },
            CSVColumn("leases_signed", "count", "Contracts signed in the month.") { .int($0.record.leasesSigned) },
            CSVColumn("owned_mw", "MW", "IT load of the data centres the firm owns, built and powered, at month end.") {
                .double($0.record.ownedMW)
            },
            CSVColumn("building_mw", "MW", "IT load of the data centres the firm is building at month end.") {
                .double($0.record.buildingMW)
            },
            CSVColumn("colocation_kw", "kW", "Colocation the firm rents in others' data centres at month end.") {
                .double($0.record.colocationKW)
            },
            CSVColumn("colocation_price", "currency per kW-month",
                      "What a new kW of colocation costs in the firm's region at month end: the region's base price, "
                        + "rising with its occupancy when it has a colocation_mw (empty for a firm that has exited).") {
                .number($0.record.colocationPrice)
            },
            CSVColumn("build_overrun", "currency",
                      "The cost-overrun part of the build capex paid this month (already in `capex`).") {
                .double($0.record.buildOverrun)
            },
            CSVColumn(perTier: "units_", "units", "Units of the tier installed (powered) at month end.") { row, t in
                tierInt(row, .installed, t)
            },
            CSVColumn(perTier: "leased_", "units", "Units of the tier leased out at month end.") { row, t in
                tierInt(row, .leased, t)
            },
            CSVColumn(perTier: "unpowered_", "units",
                      "Units of the tier delivered but waiting for power at month end (not in `units_<tier>`; they earn "
                        + "nothing).") { row, t in
                tierInt(row, .unpowered, t)
            },
            CSVColumn(perTier: "on_order_", "units",
                      "Units of the tier ordered and not yet delivered at month end (in the vendor's backlog or in transit).") {
                row, t in tierInt(row, .onOrder, t)
            },
            CSVColumn(perTier: "rented_in_", "units",
                      "Units of the tier the firm rents in (sublessors) at month end: from owners (each unit backed by a "
                        + "lease in an owner's book) or from overseas lines.") { row, t in
                tierInt(row, .rentedIn, t)
            },
            CSVColumn(perTier: "rented_overseas_", "units",
                      "Units of `rented_in_<tier>` rented from overseas lines (`sublease.overseas`) at month end; not part "
                        + "of the domestic stock.") { row, t in
                tierInt(row, .rentedOverseas, t)
            },
            CSVColumn(perTier: "wholesale_out_", "units",
                      "Units of the tier the firm (an owner or hybrid) lets to sublessors at month end (part of "
                        + "`leased_<tier>`). In each replication and month, the sum over firms equals the sum over firms of "
                        + "`rented_in_<tier>` − `rented_overseas_<tier>`.") { row, t in
                tierInt(row, .wholesaleOut, t)
            },
            CSVColumn(perTier: "price_", "currency per accelerator-hour",
                      "List price of the tier at month end; empty where the firm offers none.") { row, t in
                t < row.record.perTier.tierCount ? .number(row.record.perTier.price(t)) : .empty
            },
        ])

    // MARK: market_monthly.csv

    public static let marketMonthly = CSVSchema<MarketMonthRow>(
        file: "market_monthly.csv",
        summary: "One row per replication, tier (and `all` for the whole market) and month: prices, chip supply, demand, "
            + "capacity, entries and exits, and concentration. Counts on `all` rows are over every tier; figures that "
            + "only make sense for one of the two kinds of row are empty on the other.",
        rowOrder: "point, replication, tier (`all` first, then tiers in scenario order), month.",
        columns: keyColumns({ $0.scenario }, { $0.point }, { $0.replication }) + [
            CSVColumn("month", "YYYY-MM", monthDoc) { .text($0.month) },
            CSVColumn("tier", "", "Tier name, or `all` for figures over every tier.") { .text($0.tier) },
            CSVColumn("price_index", "currency per accelerator-hour",
                      "Mean list price of active offers weighted by capacity; empty when there is none.") {
                .number($0.record.priceIndex)
            },
            CSVColumn("signed_price_index", "currency per accelerator-hour",
                      "Mean price of the contracts signed in the month weighted by units; empty when none was signed.") {
                .number($0.record.signedPriceIndex)
            },
            CSVColumn("short_term_price", "currency per accelerator-hour",
                      "Mean price of the contracts of at most 3 months signed in the month, weighted by units: the "
                        + "figure rental indices quote (multi-year contracts sign lower and are in `signed_price_index`); "
                        + "empty when none was signed. On `all` rows, over every tier.") {
                .number($0.record.shortTermPrice)
            },
            CSVColumn("used_price", "currency per unit",
                      "Used price of a unit of the reference age (`used_market.reference_age_years`, default 1) set at "
                        + "the month's clearing and in force next month: the clearing price when units traded; else the "
                        + "best bid when firms bid; else the sellers' ask, the market's capitalised rent net of power "
                        + "discounted by `fire_sale_discount`; never below scrap. Collateral, price floors and "
                        + "liquidation values mark to it. Empty on the `all` row.") {
                .number($0.record.usedPrice)
            },
            CSVColumn("fire_sale_discount", "share",
                      "Discount on the sellers' ask at the month's clearing from the units for sale: δ_max·D/(D + D_½).") {
                .double($0.record.fireSaleDiscount)
            },
            CSVColumn("chip_price", "currency per unit",
                      "Price of a new unit from its vendors at month end (purchase cost × (1 + premium × backlog / monthly "
                        + "capacity)), averaged over the jurisdictions supplied with the tier weighted by their capacity "
                        + "in the month (`supply_monthly.csv` has each one); empty when the tier has no supply, and on "
                        + "`all` rows.") {
                $0.record.tier == nil ? .empty : .number($0.record.chipPrice)
            },
            CSVColumn("backlog_units", "units", "Units ordered from vendors and not yet shipped at month end.") {
                .int($0.record.backlogUnits)
            },
            CSVColumn("lead_time_days", "days",
                      "Mean time from order to delivery of the units delivered in the month (queueing in the backlog plus "
                        + "transit and installation); empty when none was delivered.") {
                .number($0.record.leadTimeDays)
            },
            CSVColumn("tenants_arrived", "count", "Tenants who arrived.") { .int($0.record.tenantsArrived) },
            CSVColumn("tenants_lost", "count", "Tenants who left without a contract.") { .int($0.record.tenantsLost) },
            CSVColumn("tenants_signed", "count", "Tenants who signed a contract.") { .int($0.record.tenantsSigned) },
            CSVColumn("units_requested", "units", "Units wanted by tenants who arrived.") { .int($0.record.unitsRequested) },
            CSVColumn("units_lost", "units", "Units wanted by tenants who left without a contract.") {
                .int($0.record.unitsLost)
            },
            CSVColumn("units_waiting_end", "units", "Units wanted by tenants still waiting at month end.") {
                .int($0.record.unitsWaitingEnd)
            },
            CSVColumn("units_installed", "units", "Units installed (powered) at active firms at month end.") {
                .int($0.record.unitsInstalled)
            },
            CSVColumn("units_delivered_unpowered", "units",
                      "Units delivered to active firms but waiting for power at month end (not in `units_installed`).") {
                .int($0.record.unitsDeliveredUnpowered)
            },
            CSVColumn("units_leased", "units", "Units leased out at month end.") { .int($0.record.unitsLeased) },
            CSVColumn("eflops_fp16", "EFLOPS", "Dense FP16 compute of the installed units.") {
                .double($0.record.eflopsFP16)
            },
            CSVColumn("national_target_share", "share",
                      "`eflops_fp16` over the indicative national intelligent-compute target (35% of 300 EFLOPS unless the "
                        + "scenario says otherwise) times the scenario's leasing coverage share; indicative. `all` rows only "
                        + "(empty on tier rows).") {
                $0.record.tier == nil ? .number($0.record.nationalTargetShare) : .empty
            },
            CSVColumn("active_firms", "count",
                      "Firms active at month end; on tier rows, active firms with installed units of the tier.") {
                .int($0.record.activeFirms)
            },
            CSVColumn("entries", "count", "Firms that entered in the month. `all` rows only (empty on tier rows).") {
                $0.record.tier == nil ? .int($0.record.entries) : .empty
            },
            CSVColumn("exits", "count",
                      "Firms that exited in the month; on tier rows, exiting firms that held installed units of the tier.") {
                .int($0.record.exits)
            },
            CSVColumn("used_offered", "units",
                      "Units put up for sale in the used market in the month: exiting firms' fleets, units of firms in "
                        + "covenant distress, and units delivered to firms that had exited.") {
                .int($0.record.usedOffered)
            },
            CSVColumn("used_sold", "units", "Units that changed hands in the used market in the month.") {
                .int($0.record.usedSold)
            },
            CSVColumn("used_inventory", "units", "Units for sale in the used market at month end, not yet sold.") {
                .int($0.record.usedInventory)
            },
            CSVColumn("hhi_units", "index",
                      "Herfindahl–Hirschman index of installed units over active firms (sum of squared shares, 0–1); empty when no firm has units.") {
                .number($0.record.hhiUnits)
            },
            CSVColumn("hhi_revenue", "index",
                      "Herfindahl–Hirschman index of revenue over active firms (0–1); empty when there is no revenue.") {
                .number($0.record.hhiRevenue)
            },
        ])

    // MARK: supply_monthly.csv

    public static let supplyMonthly = CSVSchema<SupplyMonthRow>(
        file: "supply_monthly.csv",
        summary: "One row per replication, tier, jurisdiction and month for every vendor supply line of the scenario "
            + "(a `chip_supply` entry: one tier to one jurisdiction): what the vendor could ship, what firms ordered, "
            + "what shipped, arrived and was cancelled, the chip price and the lead time. The file is always written; "
            + "it holds only the header when the scenario has no supply lines. Units are conserved: over a "
            + "replication, the sum of `shipped_units` equals the sum of `delivered_units` plus the last month's "
            + "`in_transit_units`.",
        rowOrder: "point, replication, tier (scenario order), region (the order of the scenario's supply entries), month.",
        columns: keyColumns({ $0.scenario }, { $0.point }, { $0.replication }) + [
            CSVColumn("month", "YYYY-MM", monthDoc) { .text($0.month) },
            CSVColumn("tier", "", "Tier name.") { .text($0.tier) },
            CSVColumn("region", "",
                      "The jurisdiction supplied (the `jurisdiction` of the supply entry, and of the firms that buy from it; "
                        + "export rules act on it), not a site in the scenario's `regions`.") {
                .text($0.record.jurisdiction)
            },
            CSVColumn("capacity_units", "units per month",
                      "Units the vendor could ship to the jurisdiction in the month, after capacity growth and supply "
                        + "shocks (0 under a ban).") {
                .double($0.record.capacityUnits)
            },
            CSVColumn("ordered_units", "units", "Units ordered in the month.") { .int($0.record.orderedUnits) },
            CSVColumn("shipped_units", "units", "Units shipped from the backlog in the month.") {
                .int($0.record.shippedUnits)
            },
            CSVColumn("delivered_units", "units",
                      "Units that reached firms in the month (after the transit and installation time).") {
                .int($0.record.deliveredUnits)
            },
            CSVColumn("in_transit_units", "units", "Units shipped and not yet delivered at month end.") {
                .int($0.record.inTransitUnits)
            },
            CSVColumn("backlog_units", "units", "Units ordered and not yet shipped at month end.") {
                .int($0.record.backlogUnits)
            },
            CSVColumn("cancelled_units", "units",
                      "Backlog units cancelled in the month (an export ban cancels the jurisdiction's backlog).") {
                .int($0.record.cancelledUnits)
            },
            CSVColumn("refunded", "currency", "Money refunded in the month for cancelled units that had been paid for.") {
                .double($0.record.refunded)
            },
            CSVColumn("written_off", "currency",
                      "Prepayments of cancelled units the vendor kept (a ban's `refund_share` below 1): cancelled units' "
                        + "order value = `refunded` + `written_off`.") {
                .double($0.record.writtenOff)
            },
            CSVColumn("chip_price", "currency per unit",
                      "Price of a new unit at month end: purchase cost × (1 + premium × backlog / monthly capacity, the "
                        + "ratio capped).") {
                .double($0.record.chipPrice)
            },
            CSVColumn("lead_time_days", "days",
                      "Mean time from order to delivery of the units delivered in the month; empty when none was delivered.") {
                .number($0.record.leadTimeDays)
            },
        ])

    // MARK: fleet_monthly.csv

    public static let fleetMonthly = CSVSchema<FleetMonthRow>(
        file: "fleet_monthly.csv",
        summary: "One row per replication, tier and month: where every accelerator of the tier is at month end, and "
            + "what moved units in and out of the leasing market during the month. It keeps the units identity as "
            + "`firms_monthly.csv` keeps the cash identity: `stock_end` = `stock_start` + `shipped` + `grey_imported` "
            + "− `retired` − `sold_to_users`, and `stock_end` = `in_transit` + `at_firms` + `used_inventory`, in every "
            + "row; `stock_start` is the previous month's `stock_end`. A unit leaves the market only by retirement "
            + "(or, for a hybrid's customer, by purchase). `at_firms` equals the sum over the month's `firms_monthly.csv` "
            + "rows of `units_<tier>` + `unpowered_<tier>`; units rented in are counted once, at their owner.",
        rowOrder: "point, replication, tier (scenario order), month.",
        columns: keyColumns({ $0.scenario }, { $0.point }, { $0.replication }) + [
            CSVColumn("month", "YYYY-MM", monthDoc) { .text($0.month) },
            CSVColumn("tier", "", "Tier name.") { .text($0.tier) },
            CSVColumn("stock_start", "units",
                      "Units in the market at the start of the month (the first month: the firms' initial fleets).") {
                .int($0.record.stockStart)
            },
            CSVColumn("shipped", "units", "Units the vendors shipped in the month through their normal channel.") {
                .int($0.record.shipped)
            },
            CSVColumn("grey_imported", "units",
                      "Units shipped in the month as grey imports (the supply line banned, `grey_import` set).") {
                .int($0.record.greyImported)
            },
            CSVColumn("retired", "units",
                      "Units that left the market in the month: physical life reached, at a firm or in the used market.") {
                .int($0.record.retired)
            },
            CSVColumn("sold_to_users", "units", "Units hybrids sold outright to their customers in the month.") {
                .int($0.record.soldToUsers)
            },
            CSVColumn("stock_end", "units", "Units in the market at month end.") { .int($0.record.stockEnd) },
            CSVColumn("in_transit", "units", "Units shipped and not yet delivered at month end.") {
                .int($0.record.inTransit)
            },
            CSVColumn("at_firms", "units",
                      "Units owned by active firms at month end, installed or delivered and waiting for power.") {
                .int($0.record.atFirms)
            },
            CSVColumn("used_inventory", "units",
                      "Units offered in the used market and not yet sold at month end: exited firms' units held by "
                        + "their liquidators, and units active firms put up for sale.") {
                .int($0.record.usedInventory)
            },
            CSVColumn("used_sold", "units", "Units that changed hands in the used market in the month.") {
                .int($0.record.usedSold)
            },
            CSVColumn("backlog", "units",
                      "Units ordered from vendors and not yet shipped at month end, over all jurisdictions (not part of "
                        + "the stock).") {
                .int($0.record.backlog)
            },
        ])

    // MARK: outcomes.csv

    public static let outcomes = CSVSchema<OutcomeRow>(
        file: "outcomes.csv",
        summary: "One row per replication and firm: how the firm ended, with a snapshot of its position at exit "
            + "(or at the horizon for survivors). Every firm of the replication has a row: the firms present at the "
            + "start and each entrant (with `template` and `entry_month` filled), so the number of rows can differ "
            + "between replications. The firms of a population have rows only with `suanli run --members` (`template` "
            + "the population, `entry_month` empty).",
        rowOrder: "point, replication, firm (" + firmOrderDoc + ").",
        columns: keyColumns({ $0.scenario }, { $0.point }, { $0.replication }) + [
            CSVColumn("firm", "", "Firm name.") { .text($0.firm) },
            CSVColumn("business_model", "", businessModelDoc) { .text($0.businessModel) },
            CSVColumn("template", "", templateDoc) { .string($0.template) },
            CSVColumn("entry_month", "YYYY-MM", "Month the firm entered; empty for firms present at the start.") {
                .string($0.entryMonth)
            },
            CSVColumn("survived", "true/false", "Whether the firm was active at the horizon.") { flag($0.outcome.survived) },
            CSVColumn("exit_day", "days", "Simulation day of the exit, counted from the scenario start (also for entrants); empty for survivors.") {
                .number($0.outcome.exitDay)
            },
            CSVColumn("exit_month", "YYYY-MM", "Month of the exit; empty for survivors.") { .string($0.exitMonth) },
            CSVColumn("exit_reason", "", "`insolvent`, `starved` or `losing`; empty for survivors.") {
                .string($0.outcome.exitReason?.rawValue)
            },
            CSVColumn("exit_driver", "",
                      "What drove the exit: the `driver_*` column with the lowest value, the part of the firm's cash flow "
                        + "that fell furthest short of what it planned when it invested (`chips`, `datacentre`, `price`, "
                        + "`debt` or `defaults`; ties go to the earlier); empty for survivors.") {
                .string($0.outcome.exitDriver?.rawValue)
            },
            CSVColumn("driver_chips", "currency",
                      "Chips against plan, summed from the firm's start or entry to its exit or the horizon: minus the planned "
                        + "net rent (planned rent × target utilisation − power at the planned price) of units past the "
                        + "delivery day the firm expected when it ordered and not delivered (late, or cancelled by a ban).") {
                .double($0.outcome.drivers.chips)
            },
            CSVColumn("driver_datacentre", "currency",
                      "Data centres against plan, summed likewise: power at the electricity price × PUE of the firm's last "
                        + "investment less power paid, minus the planned net rent of units delivered and waiting for power.") {
                .double($0.outcome.drivers.datacentre)
            },
            CSVColumn("driver_price", "currency",
                      "The market against plan, summed likewise: rent revenue less the planned rent (the list prices at which "
                        + "the firm committed to its units, units-weighted) × target utilisation on the capacity it had; "
                        + "below plan when rents or utilisation fall.") {
                .double($0.outcome.drivers.price)
            },
            CSVColumn("driver_debt", "currency",
                      "Debt against plan, summed likewise: interest at the loan rate of the firm's last investment less "
                        + "interest paid, minus repayments beyond the schedule (covenant sweeps); the settlement at exit is "
                        + "not counted.") {
                .double($0.outcome.drivers.debt)
            },
            CSVColumn("driver_defaults", "currency",
                      "Tenants' defaults, summed likewise: claims recovered less claims booked (tenants' and sublessors').") {
                .double($0.outcome.drivers.defaults)
            },
            CSVColumn("final_cash", "currency", "Cash at exit or at the horizon.") { .double($0.outcome.finalCash) },
            CSVColumn("cumulative_profit", "currency", "Net income summed over the firm's active months.") {
                .double($0.outcome.cumulativeProfit)
            },
            CSVColumn("profitable_final_year", "true/false",
                      "Survived, and net income over its last 12 active months was positive.") {
                flag($0.outcome.profitableFinalYear)
            },
            CSVColumn("irr", "per year", "Annual internal rate of return of the equity flows (see `npv`); empty when it does not exist.") {
                .number($0.outcome.irr)
            },
            CSVColumn("npv", "currency", "Present value, at the firm's cost of capital, of the equity flows from the firm's first month: the initial stake (an entrant's: the capital it raised at entry), later injections and the final net asset value (never below 0).") {
                .double($0.outcome.npv)
            },
            CSVColumn("moic", "ratio", "Final net asset value over all equity put in; empty when nothing was put in.") {
                .number($0.outcome.moic)
            },
            CSVColumn("trailing_utilisation", "share", "Mean `utilisation` over the last three active months; empty without units.") {
                .number($0.outcome.trailingUtilisation)
            },
            CSVColumn("leverage", "ratio", "Debt over the second-hand value of the fleet at the last month end; empty when the fleet is worth nothing.") {
                .number($0.outcome.leverage)
            },
            CSVColumn("take_or_pay_share", "share", "Share of rent over the last 12 active months billed on take-or-pay contracts; empty without rent.") {
                .number($0.outcome.takeOrPayShare)
            },
            CSVColumn("top_customer_share", "share", "Share of the last month's rent from the largest contract; empty without rent.") {
                .number($0.outcome.topCustomerShare)
            },
            CSVColumn("contracted_backlog", "currency", "Rent still due on signed contracts at the horizon; 0 for firms that exited.") {
                .double($0.outcome.contractedBacklog)
            },
            CSVColumn("banned_tier_revenue_share", "share", "Share of rent from tiers under export restrictions; empty without rent.") {
                .number($0.outcome.bannedTierRevenueShare)
            },
            CSVColumn("refused_unbuyable_share", "share", "The starvation test's share over the firm's last 12 months in the market: units it turned away for want of chips it cannot buy, over those units plus the units it leased (monthly averages); empty when both are 0.") {
                .number($0.outcome.refusedUnbuyableShare)
            },
            CSVColumn("months_of_cash", "months", "Cash over the mean monthly operating cash outflow (after interest) of the last three active months; empty when cash is not falling.") {
                .number($0.outcome.monthsOfCash)
            },
        ])

    // MARK: params.csv

    public static let params = CSVSchema<ParameterRow>(
        file: "params.csv",
        summary: "One row per replication and per-replication draw: the value a parameter took. Empty (header only) "
            + "when the scenario draws nothing per replication.",
        rowOrder: "point, replication, key (the scenario's declaration order).",
        columns: keyColumns({ $0.scenario }, { $0.point }, { $0.replication }) + [
            CSVColumn("key", "", "Key path of the parameter in the scenario file.") { .text($0.key) },
            CSVColumn("value", "as the key", "The value drawn for this replication.") { .double($0.value) },
        ])

    // MARK: survival.csv

    public static let survival = CSVSchema<SurvivalRow>(
        file: "survival.csv",
        summary: "One row per firm present at the start (declared one by one), per entrant template and per population, and month of the horizon: the "
            + "survival curve S(t) with a 95% Wilson band, and the monthly hazard. For a firm, S(t) is the share of "
            + "replications in which it is still active at the end of month t. For a template, S(t) is the share of "
            + "its entrants (all replications pooled) that entered in or before month t and are still active at the "
            + "end of month t (see \"Entrants\" above). For a population, S(t) is the share of its firms (all "
            + "replications pooled, every one at risk from the start) still active at the end of month t.",
        rowOrder: "point, entity_kind (`firm`, then `template`, then `population`), entity (scenario order), month.",
        columns: keyColumns({ $0.scenario }, { $0.point }, nil) + [
            CSVColumn("entity_kind", "", "`firm`, `template` for entrants pooled by template, or `population` for the "
                      + "firms of a population pooled (each at risk from the start).") { .text($0.entityKind) },
            CSVColumn("entity", "", "Firm or template name.") { .text($0.entity) },
            CSVColumn("month", "YYYY-MM", monthDoc) { .text($0.month) },
            CSVColumn("at_risk", "count",
                      "Firm: replications in which it was active at the start of the month. Template: its entrants active "
                        + "at the start of the month or entering during it, over all replications.") {
                .int($0.atRisk)
            },
            CSVColumn("exits", "count",
                      "Firm: replications in which it exited during the month. Template: its entrants that exited during "
                        + "the month.") { .int($0.exits) },
            CSVColumn("survival", "share",
                      "S(t) as defined above; for a template, empty until its first entrant.") {
                .number($0.survival)
            },
            CSVColumn("survival_ci95_low", "share",
                      "Lower end of the 95% Wilson interval of `survival` (n: the replications for a firm, the entrants so "
                        + "far for a template).") {
                .number($0.survivalLow)
            },
            CSVColumn("survival_ci95_high", "share", "Upper end of the 95% Wilson interval of `survival`.") {
                .number($0.survivalHigh)
            },
            CSVColumn("hazard", "per month", "`exits` / `at_risk`; empty when nothing is at risk.") { .number($0.hazard) },
        ])

    // MARK: summary.csv

    public static let summary = CSVSchema<SummaryRow>(
        file: "summary.csv",
        summary: "Long form: one row per point, entity, metric (and month for market figures). The metrics are "
            + "listed below the columns.",
        rowOrder: "point; firm rows (firms in scenario order, metrics in the order listed below); template rows "
            + "(templates in scenario order, metrics in the order listed below), then population rows alike; market rows (`all` then tiers, then "
            + "metric, then month).",
        columns: keyColumns({ $0.scenario }, { $0.point }, nil) + [
            CSVColumn("kind", "", "`firm`, `template`, `population` (a population's firms pooled, with the metrics of a "
                      + "template: `entries` is its number of firms) or `market`.") { .text($0.kind) },
            CSVColumn("entity", "", "Firm or template name; for market rows a tier name or `all`.") { .text($0.entity) },
            CSVColumn("metric", "", "What is estimated (see the metric list).") { .text($0.metric) },
            CSVColumn("month", "YYYY-MM", "Month of a market figure, or the month of `median_exit_month`; otherwise empty.") {
                .string($0.month)
            },
            CSVColumn("estimate", "as the metric", "Proportion or mean (see the metric list); empty when undefined.") {
                .number($0.estimate)
            },
            CSVColumn("ci95_low", "as the metric", "Lower end of the 95% interval; empty when undefined.") {
                .number($0.low)
            },
            CSVColumn("ci95_high", "as the metric", "Upper end of the 95% interval; empty when undefined.") {
                .number($0.high)
            },
            CSVColumn("p05", "as the metric",
                      "5th percentile of the sample (replications; entrants for most template metrics); empty for "
                        + "proportions.") {
                .number($0.p05)
            },
            CSVColumn("p50", "as the metric", "Median of the sample; empty for proportions.") { .number($0.p50) },
            CSVColumn("p95", "as the metric", "95th percentile of the sample; empty for proportions.") {
                .number($0.p95)
            },
        ])

    // MARK: points.csv (sweeps)

    /// The file of a sweep folder that says what each point varied.
    public static let pointsFile = "points.csv"

    /// `points.csv`: its columns depend on the sweep file (one per parameter), so it is written
    /// directly by the sweep and documented here as data.
    public static let points = FileDoc(
        file: pointsFile,
        summary: "Written by `suanli sweep` only: one row per point of the sweep, with the value each parameter "
            + "takes there, exactly as passed to `--set` (a range draw in the shortest round-trip decimal form, "
            + "rounded to a whole number for integer keys). Point p is the base scenario with the overrides "
            + "`<parameter path>=<value>`; its rows in the other files carry `point` p.",
        rowOrder: "point.",
        columns: [
            ColumnDoc(name: "point", unit: "", doc: "Index of the point in the sweep, from 0: the `point` of its rows "
                        + "in the other files (the real index in a shard's folder too)."),
            ColumnDoc(name: "<parameter path>", unit: "as the key",
                      doc: "One column per parameter of the sweep file, in its order, named by the scenario key path "
                        + "(`demand.segments[llm-training].growth.rate`): the value the point sets."),
        ],
        hasTierPatterns: false)

    /// Every file's documentation, in the order of the data dictionary.
    public static var documentation: [FileDoc] {
        [firmsMonthly.documentation, marketMonthly.documentation, supplyMonthly.documentation, fleetMonthly.documentation,
         outcomes.documentation,
         params.documentation, survival.documentation, summary.documentation]
    }
}
