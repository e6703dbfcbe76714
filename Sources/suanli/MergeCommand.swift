import ArgumentParser
import Experiments
import Foundation

/// `suanli merge SHARD_DIR… --out DIR`: join the shard folders of one sweep.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the shard folders of a sweep into the folder the unsharded sweep writes.",
        discussion: """
            Each shard folder is the output of 'suanli sweep FILE --shard I --shards N'. The merged CSV files have \
            the same bytes as an unsharded run's (rows interleaved by point); manifest.json lists every point. \
            Refuses shards of different sweep files or tool versions, and names missing shards rather than \
            merging fewer. Run it from the folder the sweep ran in (the sweep file is read again).
            """
    )

    @Argument(help: "The shard folders.")
    var shardFolders: [String]

    @Option(help: ArgumentHelp("Output folder.", valueName: "dir"))
    var out: String

    @Flag(help: "Print no progress on standard error.")
    var quiet = false

    func validate() throws {
        guard !shardFolders.isEmpty else { throw ValidationError("give the shard folders to merge") }
        try CommandChecks.outputFolder(out)
    }

    func run() throws {
        Interrupt.install()
        do {
            let report = try SweepMerge.merge(shardFolders: shardFolders, outputPath: out,
                                              progress: quiet ? nil : { StandardErrorProgress(label: $0) })
            print("merged \(shardFolders.count) shard\(shardFolders.count == 1 ? "" : "s"), \(report.points.count) points")
            print("results: \(report.outputPath)")
        } catch {
            throw Failure.sweep(error)
        }
    }
}
