/// Where the accelerators of one tier are at a month end, and what moved them during the
/// month: the units identity, kept like the cash identity.
///
/// The stock is every unit that has left the vendor and not left the leasing market: in
/// transit to a firm, at a firm (installed, or delivered and waiting for power), or offered in
/// the used market. Units in a vendor's backlog are ordered, not made, and are not part of it.
///
/// Invariants (checked by tests, every row):
/// - `stockEnd == stockStart + shipped + greyImported − retired − soldToUsers`;
/// - `stockEnd == inTransit + atFirms + usedInventory`;
/// - `stockStart` is the previous month's `stockEnd` (the first month's is the initial fleets);
/// - `atFirms` is the sum over firms of their owned units of the tier (installed and waiting
///   for power), as in `firms_monthly.csv`; units rented in are counted at their owner.
public struct FleetMonthRecord: Sendable, Equatable {
    public var month: Int
    public var tier: Int
    public var stockStart = 0
    /// Units the vendors shipped this month through their normal channel.
    public var shipped = 0
    /// Units shipped this month as grey imports (the supply line banned, `grey_import` set).
    public var greyImported = 0
    /// Units that left the market for good: physical life reached, or scrapped.
    public var retired = 0
    /// Units hybrids sold outright to their customers (they leave the leasing market).
    public var soldToUsers = 0
    public var stockEnd = 0
    /// Shipped and not yet delivered at month end.
    public var inTransit = 0
    /// Owned by active firms at month end: installed or waiting for power.
    public var atFirms = 0
    /// Offered in the used market at month end (by exited firms' liquidators or by active sellers).
    public var usedInventory = 0
    /// Units that changed hands in the used market this month.
    public var usedSold = 0
    /// Units ordered from vendors and not yet shipped at month end (not part of the stock).
    public var backlog = 0

    public init(month: Int, tier: Int) {
        self.month = month
        self.tier = tier
    }
}
