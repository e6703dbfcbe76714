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
        subcommands: [Kernel.self, CalendarHold.self]
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
