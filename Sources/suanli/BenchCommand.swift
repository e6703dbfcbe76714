import Foundation
import ArgumentParser
import Experiments
import ReferenceModels
import ScenarioModule
import SimKernel
import Stochastics

/// `suanli bench`: timings of the simulation kernel, one JSON line per run.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the simulation kernel; print one JSON line.",
        subcommands: [Kernel.self, CalendarHold.self, MarketScale.self]
    )
}

// MARK: - bench kernel

extension BenchCommand {
    /// Runs the Erlang loss reference model and times its event loop.
    struct Kernel: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "kernel",
            abstract: "Run the Erlang loss model (M/M/C/C) on the event calendar and time the event loop.",
            discussion: """
                Prints one JSON line with the keys servers, load, arrivals, seed, generator, \
                events, seconds, events_per_second, blocking, ci95, erlang_b, mean_busy and \
                mean_busy_ci95. `events` counts calendar pops up to and including the last \
                arrival; `seconds` times the event loop only. `ci95` is the half-width of the \
                95% batch-means interval for the blocking probability.
                """
        )

        @Option(help: "Number of identical units C (≥ 1).")
        var servers: Int = 100

        @Option(help: "Offered load A in erlangs: arrival rate × mean holding time (> 0).")
        var load: Double = 90

        @Option(help: "Number of arrivals N to simulate, warm-up included (≥ \(Self.minimumArrivals)).")
        var arrivals: Int = 2_000_000

        @Option(help: "Master seed of the seed plan.")
        var seed: UInt64 = 1

        @Option(help: "Random number generator: \(BenchCommand.generatorNames.joined(separator: ", ")).")
        var generator: String = Generator.default.rawValue

        static let minimumArrivals = 100

        func validate() throws {
            guard servers >= 1 else {
                throw ValidationError("--servers must be an integer ≥ 1, got \(servers)")
            }
            guard load > 0, load.isFinite else {
                throw ValidationError("--load must be a finite number > 0, got \(load)")
            }
            guard arrivals >= Self.minimumArrivals else {
                throw ValidationError("--arrivals must be an integer ≥ \(Self.minimumArrivals), got \(arrivals)")
            }
            _ = try BenchCommand.parseGenerator(generator)
        }

        func run() throws {
            let generator = try BenchCommand.parseGenerator(generator)
            let parameters = ErlangLossParameters(servers: servers, load: load, arrivals: arrivals)
            var model = ErlangLossSimulation(
                parameters: parameters,
                seedPlan: SeedPlan(masterSeed: seed, generator: generator)
            )
            var calendar = model.makeCalendar()

            let start = ContinuousClock.now
            model.run(calendar: &calendar)
            let seconds = BenchCommand.seconds(ContinuousClock.now - start)

            let estimate = model.estimate(calendar: calendar)
            let json = JSONValue.object([
                ("servers", .int(servers)),
                ("load", .double(load)),
                ("arrivals", .int(arrivals)),
                ("seed", .uint(seed)),
                ("generator", .string(generator.rawValue)),
                ("events", .int(estimate.events)),
                ("seconds", .double(seconds)),
                ("events_per_second", .double(Double(estimate.events) / seconds)),
                ("blocking", .double(estimate.blocking)),
                ("ci95", .double(estimate.blockingHalfWidth(level: 0.95))),
                ("erlang_b", .double(estimate.erlangB)),
                ("mean_busy", .double(estimate.meanBusy)),
                ("mean_busy_ci95", .double(estimate.meanBusyHalfWidth(level: 0.95))),
            ])
            print(json.compactText())
        }
    }
}

// MARK: - bench calendar

extension BenchCommand {
    /// The classic "hold" benchmark of a priority queue: the calendar alone, no model.
    struct CalendarHold: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "calendar",
            abstract: "Time the event calendar alone with the hold model: pop one event, schedule one.",
            discussion: """
                Fills the calendar with --pending events at uniform times in [0, 2), then \
                repeats --operations times: pop the next event and schedule one at now + U, \
                U uniform on [0, 2) from SplitMix64. Prints one JSON line with the keys \
                pending, operations, seed, seconds, operations_per_second and checksum.
                """
        )

        @Option(help: "Events kept pending throughout (≥ 1).")
        var pending: Int = 1_000

        @Option(help: "Hold operations (one pop and one schedule each; ≥ 1).")
        var operations: Int = 10_000_000

        @Option(help: "Seed of the SplitMix64 generator.")
        var seed: UInt64 = 1

        func validate() throws {
            guard pending >= 1 else {
                throw ValidationError("--pending must be an integer ≥ 1, got \(pending)")
            }
            guard operations >= 1 else {
                throw ValidationError("--operations must be an integer ≥ 1, got \(operations)")
            }
        }

        func run() throws {
            var random = SplitMix64(seed: seed)
            var calendar = EventCalendar<UInt32>(minimumCapacity: pending)
            for index in 0..<pending {
                calendar.schedule(UInt32(truncatingIfNeeded: index), at: random.nextUnit() * 2)
            }

            let start = ContinuousClock.now
            var checksum: UInt64 = 0
            for _ in 0..<operations {
                let (time, event) = calendar.pop()!
                checksum &+= UInt64(event)
                calendar.schedule(event, at: time + random.nextUnit() * 2)
            }
            let seconds = BenchCommand.seconds(ContinuousClock.now - start)

            let json = JSONValue.object([
                ("pending", .int(pending)),
                ("operations", .int(operations)),
                ("seed", .uint(seed)),
                ("seconds", .double(seconds)),
                ("operations_per_second", .double(Double(operations) / seconds)),
                ("checksum", .uint(checksum)),
            ])
            print(json.compactText())
        }
    }
}

// MARK: - Helpers

extension BenchCommand {
    /// Every name `--generator` accepts for the generators, canonical names first.
    static let generatorNames = Generator.allCases.map(\.rawValue)

    /// Looks a generator up by name, or throws a message naming the value, the choices and
    /// the closest choice.
    static func parseGenerator(_ name: String) throws -> Generator {
        if let generator = Generator(name: name) { return generator }
        let choices = generatorNames.joined(separator: ", ")
        var message = "--generator: unknown generator '\(name)' (expected one of \(choices))"
        if let suggestion = Suggest.closest(name, in: generatorNames) {
            message += "; did you mean '\(suggestion)'?"
        }
        throw ValidationError(message)
    }

    /// A `Duration` in seconds.
    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}

// MARK: - bench market

extension BenchCommand {
    /// Times the market model on a synthetic market of N firms at a fixed demand per firm.
    struct MarketScale: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "market",
            abstract: "Time the market model on synthetic markets of N firms at a fixed demand per firm.",
            discussion: """
                For each N in --firms, builds a market of N owners (32, 64 or 128 units by turn, \
                two tiers, two segments, tenants arriving in proportion to the units installed; \
                firms neither exit nor expand, so the market keeps its size), runs the replications \
                one after another on one thread without writing results, and prints one JSON line \
                with the keys firms, months, replications, consideration_max, events_per_replication, \
                ms_per_replication (the median) and events_per_second. Cost that grows with the \
                number of firms shows as falling events per second.
                """
        )

        @Option(help: "Numbers of firms, comma-separated (each ≥ 1).")
        var firms: String = "10,100"

        @Option(help: "Replications for each number of firms (≥ 1).")
        var replications: Int = 5

        @Option(help: "Months simulated (1 … 600).")
        var months: Int = 48

        @Option(help: "pricing.consideration_max for the tenants (none: every firm they see).")
        var considerationMax: Int?

        @Option(help: "Master seed of the seed plan.")
        var seed: UInt64 = 1

        @Flag(help: "Silence the progress line on stderr.")
        var quiet = false

        func counts() throws -> [Int] {
            let parts = firms.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let values = parts.compactMap { Int($0) }
            guard !parts.isEmpty, values.count == parts.count, values.allSatisfy({ $0 >= 1 && $0 <= 10_000 }) else {
                throw ValidationError("--firms must be a comma-separated list of integers in 1 … 10000, got '\(firms)'")
            }
            return values
        }

        func validate() throws {
            _ = try counts()
            guard replications >= 1 else { throw ValidationError("--replications must be an integer ≥ 1, got \(replications)") }
            guard (1...600).contains(months) else { throw ValidationError("--months must be in 1 … 600, got \(months)") }
            if let k = considerationMax, k < 1 {
                throw ValidationError("--consideration-max must be an integer ≥ 1, got \(k)")
            }
        }

        func run() throws {
            for n in try counts() {
                if !quiet { FileHandle.standardError.write(Data("bench market: \(n) firms, \(replications) replications…\n".utf8)) }
                let m = try SyntheticMarket.measure(firms: n, months: months, considerationMax: considerationMax,
                                                    replications: replications, seed: seed)
                let json = JSONValue.object([
                    ("firms", .int(n)),
                    ("months", .int(months)),
                    ("replications", .int(replications)),
                    ("consideration_max", considerationMax.map { .int($0) } ?? .null),
                    ("events_per_replication", .double(Double(m.events) / Double(replications))),
                    ("ms_per_replication", .double(1000 * m.medianSeconds)),
                    ("events_per_second", .double(m.eventsPerSecond)),
                ])
                print(json.compactText())
            }
        }
    }
}

