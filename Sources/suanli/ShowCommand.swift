import ArgumentParser
import Foundation
import ScenarioModule

/// `suanli show SCENARIO`: the fully resolved scenario as a standalone file.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print a scenario fully resolved: every key, defaults included, as a file of its own.",
        discussion: """
        Resolves `extends` (the files a scenario inherits from), applies --set overrides and fills \
        every default, then prints the result in the order of docs/scenario-format.md, after a \
        comment naming its sources and its content hash. The printed file needs no other file, \
        validates, and runs to the same results as the original with the same seed \
        (suanli show FILE > resolved.yaml; suanli run resolved.yaml). Problems are reported as \
        by 'suanli validate', and nothing is printed on standard output.
        """
    )

    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Override one value before resolving: KEY.PATH=VALUE, VALUE a YAML scalar or flow value (repeatable).",
        valueName: "KEY.PATH=VALUE"))
    var overrides: [String] = []

    func validate() throws {
        try CommandChecks.overrides(overrides)
    }

    func run() throws {
        do {
            let doc = try ScenarioLoader.load(path: scenario, overrides: overrides)
            print(doc.standaloneYAML(overrides: overrides), terminator: "")
        } catch {
            let text = error.description
            FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
            throw ExitCode(1)
        }
    }
}
