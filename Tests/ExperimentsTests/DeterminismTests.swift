import Experiments
import Foundation
import MarketModel
import Testing

@Suite("Same seed, same bytes on any thread count")
struct DeterminismTests {
    @Test("the real market: --threads 1 and --threads 2 write identical files")
    func realMarket() throws {
        let point = ExperimentPoint(index: 0, scenario: smallScenario())
        let one = try runInMemory([point], replications: 12, threads: 1)
        let two = try runInMemory([point], replications: 12, threads: 2)
        for file in ResultFiles.fileNames {
            #expect(one[file] == two[file], "\(file)")
            #expect(!(one[file] ?? []).isEmpty, "\(file) has at least a header")
        }
        // the replications did something: tenants arrived in some month of some replication
        let market = String(decoding: one["market_monthly.csv"]!, as: UTF8.self).split(separator: "\n")
        let arrivedColumn = try #require(market[0].split(separator: ",").firstIndex(of: "tenants_arrived"))
        let arrived = market.dropFirst().compactMap { Int($0.split(separator: ",", omittingEmptySubsequences: false)[arrivedColumn]) }
        #expect(arrived.count == 12 * 2 * 6 && arrived.reduce(0, +) > 0)
    }

    @Test("synthetic replications with random delays, two points: identical files for 1, 2 and 3 threads")
    func syntheticWithDelays() throws {
        let points = [syntheticPoint(index: 0, maxDelayMicroseconds: 800),
                      syntheticPoint(index: 1, tiers: ["h100", "b200"], maxDelayMicroseconds: 800)]
        let reference = try runInMemory(points, replications: 25, threads: 1)
        for (threads, window) in [(2, nil), (3, 1), (3, 2)] as [(Int, Int?)] {
            let other = try runInMemory(points, replications: 25, threads: threads, window: window)
            for file in ResultFiles.fileNames { #expect(reference[file] == other[file], "\(file), threads \(threads)") }
        }
        let firms = String(decoding: reference["firms_monthly.csv"]!, as: UTF8.self).split(separator: "\n")
        #expect(firms.count == 1 + 2 * 25 * 2 * 6)
        #expect(firms[0].hasSuffix("units_h100,units_ascend-910b,units_b200,leased_h100,leased_ascend-910b,leased_b200,"
            + "unpowered_h100,unpowered_ascend-910b,unpowered_b200,on_order_h100,on_order_ascend-910b,on_order_b200,"
            + "rented_in_h100,rented_in_ascend-910b,rented_in_b200,"
            + "rented_overseas_h100,rented_overseas_ascend-910b,rented_overseas_b200,"
            + "wholesale_out_h100,wholesale_out_ascend-910b,wholesale_out_b200,price_h100,price_ascend-910b,price_b200"))
        // rows are (point, replication, firm, month)
        #expect(firms[1].hasPrefix("synthetic,0,0,2025-11,alpha,owner,"))
        #expect(firms[7].hasPrefix("synthetic,0,0,2025-11,\"beta, \"\"b\"\"\",sublessor,"))
        #expect(firms[13].hasPrefix("synthetic,0,1,2025-11,alpha,"))
        #expect(firms.last!.hasPrefix("synthetic,1,24,2026-04,"))
    }

    @Test("entrants (firm count varying by replication) and supply lines: identical files for 1, 2 and 3 threads")
    func syntheticWithEntrants() throws {
        let points = [syntheticPoint(index: 0, entrants: true, maxDelayMicroseconds: 600),
                      syntheticPoint(index: 1, tiers: ["h100", "b200"], entrants: true, maxDelayMicroseconds: 600)]
        let reference = try runInMemory(points, replications: 20, threads: 1)
        for (threads, window) in [(2, nil), (3, 1)] as [(Int, Int?)] {
            let other = try runInMemory(points, replications: 20, threads: threads, window: window)
            for file in ResultFiles.fileNames { #expect(reference[file] == other[file], "\(file), threads \(threads)") }
        }
        let outcomes = String(decoding: reference["outcomes.csv"]!, as: UTF8.self).split(separator: "\n").dropFirst()
        var perReplication: [String: Int] = [:]   // "point,replication" → outcome rows
        for line in outcomes { perReplication[line.split(separator: ",").dropFirst().prefix(2).joined(separator: ","), default: 0] += 1 }
        #expect(perReplication.count == 40)
        #expect(Set(perReplication.values).count > 1, "the firm count varies by replication")
        #expect(outcomes.contains { $0.contains(",neo-1,hybrid,neo,") })
        let supply = String(decoding: reference["supply_monthly.csv"]!, as: UTF8.self).split(separator: "\n")
        #expect(supply.count == 1 + 2 * 20 * 2 * 2 * 6)
        // canonical: tier, then supply line in the order the model listed it (us before cn), then month
        #expect(supply[1].hasPrefix("synthetic,0,0,2025-11,h100,us,"))
        #expect(supply[6].hasPrefix("synthetic,0,0,2026-04,h100,us,"))
        #expect(supply[7].hasPrefix("synthetic,0,0,2025-11,h100,cn,"))
        #expect(supply[13].hasPrefix("synthetic,0,0,2025-11,ascend-910b,us,"))
        let summary = String(decoding: reference["summary.csv"]!, as: UTF8.self)
        #expect(summary.contains("synthetic,0,template,neo,entries,,"))
        let survival = String(decoding: reference["survival.csv"]!, as: UTF8.self)
        #expect(survival.contains("synthetic,1,template,neo,2026-04,"))
    }

    @Test("a different seed gives different replications; common random numbers give equal points")
    func seedsMatter() throws {
        let a = try runInMemory([syntheticPoint()], replications: 5, threads: 2, seed: 1)
        let b = try runInMemory([syntheticPoint()], replications: 5, threads: 2, seed: 2)
        #expect(a["outcomes.csv"] != b["outcomes.csv"])
        let two = try runInMemory([syntheticPoint(index: 0), syntheticPoint(index: 1)], replications: 3, threads: 2)
        let lines = String(decoding: two["params.csv"]!, as: UTF8.self).split(separator: "\n").dropFirst()
        let p0 = lines.filter { $0.hasPrefix("synthetic,0,") }.map { $0.dropFirst("synthetic,0,".count) }
        let p1 = lines.filter { $0.hasPrefix("synthetic,1,") }.map { $0.dropFirst("synthetic,1,".count) }
        #expect(p0 == p1)
    }

    @Test("manifests of identical runs differ only in the runtime object")
    func manifests() throws {
        let point = syntheticPoint()
        func manifest(threads: Int) throws -> String {
            let configuration = RunConfiguration(replications: 4, masterSeed: 3, threads: threads)
            let totals = try ExperimentRunner.run(points: [point], configuration: configuration, sinks: [])
            #expect(totals.events == 1000 + 1001 + 1002 + 1003)
            let text = Manifest(version: "9.9", points: [point], configuration: configuration, totals: totals).json.text()
            return String(text[..<text.range(of: "\"runtime\"")!.lowerBound])
        }
        #expect(try manifest(threads: 1) == manifest(threads: 2))
    }
}
