import ArgumentParser
import Stochastics
import CAllocator

@main
struct Suanli: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suanli",
        abstract: "A discrete-event simulator of the compute-leasing market.",
        version: SuanliVersion.string,
        subcommands: [RunCommand.self, CompareCommand.self, SweepCommand.self, MergeCommand.self, DiscoverCommand.self, CalibrateCommand.self, ShowCommand.self, ValidateCommand.self, ExplainCommand.self, BenchCommand.self, ReportCommand.self, ServeCommand.self]
    )

    static func main() {
        keepFreedMemory()
        main(nil)
    }

    /// Asks the allocator to keep memory a replication freed for the next one (see
    /// `suanli_keep_freed_memory`): every replication allocates and frees much the same memory, and
    /// mapped afresh each time its pages were faulted in and zeroed again (about 6% of a
    /// `china-market-2024` replication). Memory in use is unchanged; the process may hold freed
    /// memory until it exits.
    static func keepFreedMemory() {
        _ = suanli_keep_freed_memory()
    }
}

enum SuanliVersion {
    static let string = "0.1.0"
}
