import Foundation
@testable import MarketModel
import ScenarioModule
import Stochastics
import Testing

/// A choice round passes over the tiers a firm does not hold by reading ``Fleet/held``, kept by the
/// fleet's own tables rather than recomputed: after whole runs of the shipped scenarios (deliveries,
/// retirements, sales, rent-ins that end, exits), every firm's bits must still say which tiers it has
/// capacity of.
@Suite struct HeldTiersTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Scenarios")

    static func heldMatchesCapacity(_ m: Market) -> (ok: Bool, firmsHolding: Int) {
        var holding = 0
        for j in m.providers.indices {
            let fleet = m.providers[j].fleet
            for b in m.scenario.tiers.ids {
                guard fleet.holds(b) == (m.providers[j].capacity(b) > 0) else { return (false, holding) }
            }
            if fleet.held != 0 { holding += 1 }
        }
        return (true, holding)
    }

    @Test(arguments: ["baseline.yaml", "global-neocloud-2023.yaml", "export-ban-h20.yaml", "overbuild-price-war.yaml"])
    func heldBitsFollowTheFleet(file: String) throws {
        let document = try ScenarioLoader.load(path: Self.folder.appendingPathComponent(file).path)
        let plan = SeedPlan(masterSeed: 5)
        var exits = 0
        for rep in 0..<2 {
            var m = Market(scenario: document.instantiate(replication: rep, plan: plan).scenario, plan: plan, replication: rep)
            // At the start (the fleets as declared), and after the whole horizon.
            #expect(Self.heldMatchesCapacity(m).ok, "\(file) replication \(rep) at the start")
            _ = try m.simulate()
            let check = Self.heldMatchesCapacity(m)
            #expect(check.ok, "\(file) replication \(rep) at the end")
            #expect(check.firmsHolding > 0)
            exits += m.providers.filter { !$0.active }.count
        }
        // The check is worth more where firms left (their fleets emptied) during the run.
        if file == "global-neocloud-2023.yaml" { #expect(exits > 0) }
    }

    @Test func bitsFollowEachChange() {
        var f = Fleet(tierCount: 3)
        #expect(f.held == 0)
        f.installed[TierID(1)] += 4
        #expect(f.held == 0b010)
        f.rentedIn[TierID(2)] = 2
        #expect(f.held == 0b110)
        f.installed[TierID(1)] -= 4
        #expect(f.held == 0b100 && !f.holds(TierID(1)) && f.holds(TierID(2)))
        f.rentedIn[TierID(2)] = 0
        #expect(f.held == 0)
    }
}
