import ArgumentParser
import Stochastics

@main
struct Suanli: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suanli",
        abstract: "A discrete-event simulator of the compute-leasing market.",
        version: SuanliVersion.string,
        subcommands: [RunCommand.self, CompareCommand.self, SweepCommand.self, MergeCommand.self, DiscoverCommand.self, CalibrateCommand.self, ShowCommand.self, ValidateCommand.self, ExplainCommand.self, BenchCommand.self, ReportCommand.self, ServeCommand.self]
    )
}

enum SuanliVersion {
    static let string = "0.1.0"
}
