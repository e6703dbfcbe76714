import MarketModel

/// The short table `suanli run` prints on standard output.
public enum RunTable {
    /// One line per firm: name, business model, P(survive) with its 95% interval,
    /// P(profitable final year), the most frequent exit reason, the median exit month; then one
    /// line per entrant template (`<template>-*`): the same figures over its entrants, the median
    /// exit in months after entry, and a note of the entries per replication; then one line per
    /// population (`<population>-*`): the same over its firms (median exit in months after the
    /// start); then the share of exits by driver.
    public static func text(_ summary: PointSummary) -> String {
        var rows: [[String]] = [["firm", "model", "P(survive) [95% CI]", "P(profit final yr)", "main exit", "main driver", "median exit"]]
        for f in summary.firms {
            rows.append([
                f.name, f.businessModel,
                prob(f.survival.estimate) + " [" + prob(f.survival.low) + ", " + prob(f.survival.high) + "]",
                prob(f.profitableFinalYear.estimate),
                f.mainExitReason?.rawValue ?? "-",
                f.mainExitDriver?.rawValue ?? "-",
                f.medianExitMonth ?? "> horizon",
            ])
        }
        for t in summary.templates {
            rows.append([
                t.name + "-*", t.businessModel,
                prob(t.survival.estimate) + " [" + prob(t.survival.low) + ", " + prob(t.survival.high) + "]",
                prob(t.profitableFinalYear.estimate),
                t.mainExitReason?.rawValue ?? "-",
                t.mainExitDriver?.rawValue ?? "-",
                t.medianTimeToExit.map { "+\(Int($0)) mo" } ?? "> horizon",
            ])
        }
        var widths = Array(repeating: 0, count: rows[0].count)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        var out = ""
        for r in rows {
            var line = ""
            for (i, c) in r.enumerated() {
                line += i < r.count - 1 ? c + String(repeating: " ", count: widths[i] - c.count + 2) : c
            }
            out += line + "\n"
        }
        let templates = summary.templates.filter { $0.kind == "template" }
        if !templates.isEmpty {
            let entries = templates.map { "\($0.name) \(decimal($0.entries.mean))" }.joined(separator: ", ")
            out += "entrants per replication: \(entries) (rows <template>-*: P(survive | entered), median exit in "
                + "months after entry)\n"
        }
        let populations = summary.templates.filter { $0.kind == "population" }
        if !populations.isEmpty {
            let sizes = populations.map { "\($0.name) \(Int(($0.entries.mean ?? 0).rounded()))" }.joined(separator: ", ")
            out += "firms per population: \(sizes) (rows <population>-*: the share of its firms, median exit in "
                + "months after the start)\n"
        }
        let exits = summary.exitsByDriver.reduce(0, +)
        if exits > 0 {
            // A driver with exits whose share rounds to 0 says "<1%": it happened.
            let shares = ExitDriver.allCases.enumerated().map { i, d in
                let n = summary.exitsByDriver[i], percent = Int((100 * Double(n) / Double(exits)).rounded())
                return "\(d.rawValue) " + (n > 0 && percent == 0 ? "<1%" : "\(percent)%")
            }
            out += "exits by driver: " + shares.joined(separator: ", ") + " (of \(exits) exits)\n"
        }
        out += "intervals: \(summary.intervalKind), \(summary.replications) replications\n"
        return out
    }

    /// Two decimals (`1.40`); `-` when undefined.
    static func decimal(_ x: Double?) -> String {
        guard let x, x.isFinite, x >= 0 else { return "-" }
        return prob(x)
    }

    /// Two decimals (`0.82`); `-` when undefined.
    static func prob(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "-" }
        let h = Int((x * 100).rounded())
        return "\(h / 100).\(h % 100 < 10 ? "0" : "")\(h % 100)"
    }
}
