import Experiments
import Foundation
import Hummingbird
import MarketModel
import ScenarioModule

/// A `POST /api/runs` body, checked: the scenario by name, the lever values against their
/// levers and the variant loaded with them as `--set-variant` overrides (so a value the key
/// refuses gets the command line's own diagnostic).
struct RunRequest {
    struct Refusal: Error {
        var status: HTTPResponse.Status
        var message: String
        var diagnostics: [String] = []
    }

    static let keys = ["scenario", "levers", "replications", "seed"]

    var scenario: String
    var replications: Int
    var seed: UInt64
    /// The values posted, in the scenario's lever order.
    var levers: [(String, JSONValue)] = []
    var overrides: [String] = []
    var base: ScenarioDocument
    var variant: ScenarioDocument

    init(_ body: Data, catalog: ScenarioCatalog) throws(Refusal) {
        let expected = "expected a JSON object {\"scenario\": name, \"levers\": {key: value}, \"replications\": n, \"seed\": s}"
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw Refusal(status: .badRequest, message: "the body is not a JSON object; " + expected)
        }
        if let unknown = object.keys.sorted().first(where: { !Self.keys.contains($0) }) {
            throw Refusal(status: .badRequest, message: "unknown key '\(ExplorerServer.clip(unknown))'; " + expected)
        }
        guard let name = object["scenario"] as? String else {
            throw Refusal(status: .badRequest, message: "scenario: expected a scenario name (GET /api/scenarios lists them)")
        }
        guard let entry = catalog.entry(named: name) else {
            throw Refusal(status: .notFound, message: "no scenario named '\(ExplorerServer.clip(name))' in the served folder; GET /api/scenarios lists them")
        }
        scenario = name
        replications = ExplorerServer.defaultReplications
        if let value = object["replications"] {
            guard let n = Self.integer(value), (1...ExplorerServer.maxReplications).contains(n) else {
                throw Refusal(status: .badRequest, message: "replications: expected an integer in 1 … \(ExplorerServer.maxReplications), got \(Self.shown(value))")
            }
            replications = n
        }
        seed = 1
        if let value = object["seed"] {
            if let text = value as? String, let s = UInt64(text) {
                seed = s
            } else if let n = Self.integer(value), n >= 0 {
                seed = UInt64(n)
            } else {
                throw Refusal(status: .badRequest, message: "seed: expected an integer in 0 … 2^64 − 1 (as a string above 2^53), got \(Self.shown(value))")
            }
        }
        let posted: [String: Any]
        if let value = object["levers"] {
            guard let map = value as? [String: Any] else {
                throw Refusal(status: .badRequest, message: "levers: expected an object {key: value}, got \(Self.shown(value))")
            }
            posted = map
        } else {
            posted = [:]
        }
        let document = entry.document
        let offered = document.offeredLevers
        if let unknown = posted.keys.sorted().first(where: { k in !offered.contains { $0.key == k } }) {
            throw Refusal(status: .badRequest,
                          message: "levers: '\(ExplorerServer.clip(unknown))' is not a lever of \(name); expected one of \(offered.map(\.key).joined(separator: ", "))")
        }
        var diagnostics: [String] = []
        for lever in offered {
            guard let value = posted[lever.key] else { continue }
            let v: Double
            if lever.kind == .month {
                guard let text = value as? String, let m = YearMonth(text) else {
                    throw Refusal(status: .badRequest, message: "levers.\(lever.key): expected a month \"YYYY-MM\", got \(Self.shown(value))")
                }
                v = Double(m.ordinal)
            } else if lever.kind == .toggle, Self.isBool(value), let flag = value as? Bool, let on = lever.on, let off = lever.off {
                v = flag ? on : off
            } else {
                guard let number = value as? NSNumber, !Self.isBool(value), number.doubleValue.isFinite else {
                    throw Refusal(status: .badRequest, message: "levers.\(lever.key): expected a number, got \(Self.shown(value))")
                }
                v = number.doubleValue
            }
            if let refusal = lever.refusal(v) {
                diagnostics.append(refusal.description)
                continue
            }
            levers.append((lever.key, lever.kind == .month ? .string(lever.text(v)) : .double(v)))
            overrides.append(lever.override(v))
        }
        guard diagnostics.isEmpty else {
            throw Refusal(status: .badRequest, message: "a lever value is outside its lever's range", diagnostics: diagnostics)
        }
        base = document
        do {
            variant = try ScenarioLoader.load(path: catalog.path(entry.file), overrides: overrides)
        } catch {
            throw Refusal(status: .badRequest, message: "the scenario does not accept these lever values",
                          diagnostics: error.diagnostics.map(\.description))
        }
    }

    /// An integral JSON number (not a Boolean).
    static func integer(_ value: Any) -> Int? {
        guard let n = value as? NSNumber, !Self.isBool(value) else { return nil }
        let d = n.doubleValue
        guard d.isFinite, d.rounded() == d, abs(d) <= 9_007_199_254_740_992 else { return nil }
        return Int(d)
    }

    /// A JSON true or false (Foundation on Linux gives Swift Bools for them, NSNumbers for numbers).
    static func isBool(_ value: Any) -> Bool { type(of: value) == Bool.self }

    static func shown(_ value: Any) -> String {
        if let s = value as? String { return "\"" + ExplorerServer.clip(s) + "\"" }
        if isBool(value), let b = value as? Bool { return b ? "true" : "false" }
        if let n = value as? NSNumber { return n.stringValue }
        if value is NSNull { return "null" }
        return value is [Any] ? "a list" : "an object"
    }
}
