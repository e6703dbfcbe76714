import Foundation
import Testing
@testable import ScenarioModule

/// The package root, found from this file's path.
let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Every shipped scenario file, relative to the package root, sorted.
func shippedScenarios() -> [String] {
    let dir = packageRoot.appendingPathComponent("Scenarios")
    guard let e = FileManager.default.enumerator(atPath: dir.path) else { return [] }
    var out: [String] = []
    while let f = e.nextObject() as? String {
        if f.hasSuffix(".yaml") && !f.hasPrefix("sweeps/") { out.append("Scenarios/" + f) }
    }
    return out.sorted()
}

func read(_ relative: String) -> String {
    (try? String(contentsOf: packageRoot.appendingPathComponent(relative), encoding: .utf8)) ?? ""
}

/// Loads YAML text expecting diagnostics; returns them (empty if it loaded).
func diagnostics(_ yaml: String, path: String = "t.yaml", overrides: [String] = []) -> ScenarioDiagnostics? {
    do {
        _ = try ScenarioLoader.load(yaml: yaml, path: path, overrides: overrides)
        return nil
    } catch {
        return error
    }
}

/// The header lines (`file:line:col: error: …`) of the diagnostics, in order.
func headers(_ yaml: String, overrides: [String] = []) -> [String] {
    diagnostics(yaml, overrides: overrides)?.diagnostics.map(\.header) ?? []
}

/// A small valid scenario used as the base of most tests (line numbers matter in tests).
let minimal = """
name: tiny
start: 2024-01
horizon_months: 24
currency: CNY
tiers:
  - name: h800
    tflops: 989
    power_kw: 1.275
    purchase_cost: 280000
    reference_price: 30
  - name: a800
    tflops: 312
    power_kw: 0.8
    purchase_cost: 140000
    reference_price: 12
regions:
  - name: east
    jurisdiction: cn
    electricity_price: 0.65
demand:
  segments:
    - name: training
      rate: 12
      tier: h800
      reservation_price: 35
providers:
  - name: cloud
    region: east
    cash: 1e8
    fleet:
      - {tier: h800, units: 64}

"""

extension String {
    /// This text with line `n` (from 1) replaced.
    func replacingLine(_ n: Int, _ text: String) -> String {
        var lines = split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[n - 1] = text
        return lines.joined(separator: "\n")
    }

    /// This text with `text` inserted as a new line after line `n`.
    func insertingLine(after n: Int, _ text: String) -> String {
        var lines = split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.insert(text, at: n)
        return lines.joined(separator: "\n")
    }
}
