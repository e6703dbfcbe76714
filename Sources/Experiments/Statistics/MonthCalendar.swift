import MarketModel

/// The calendar of a point's horizon, to turn a simulation day into months the way the model
/// counts them: a firm that exits at the close of its 14th month has lived 14 months, whatever
/// the lengths of those months.
public struct MonthCalendar: Sendable {
    /// Day on which each month starts, counted from the scenario start; one more than the months.
    public let starts: [Double]

    public init(start: YearMonth, months: Int) {
        var starts = [0.0]
        var ym = start
        for _ in 0..<max(months, 0) {
            starts.append(starts[starts.count - 1] + Double(ym.days))
            ym = ym.adding(months: 1)
        }
        self.starts = starts
    }

    /// Months from the start to `day` in month index `m`: the whole months before it plus the share of
    /// month `m` elapsed (1 at its close). `m + 1` when the day is missing or `m` is outside the calendar.
    public func months(atDay day: Double?, inMonth m: Int) -> Double {
        guard let day, m >= 0, m + 1 < starts.count else { return Double(m + 1) }
        let share = (day - starts[m]) / (starts[m + 1] - starts[m])
        return Double(m) + min(max(share, 0), 1)
    }
}
