import ArgumentParser
import Foundation
import ScenarioModule

/// `suanli validate FILE…`: checks scenario files (and `--set` overrides) without running them.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check scenario files without running them.",
        discussion: """
        Prints 'FILE: ok (…)' for each valid file, or every problem found in it, each as
        FILE:LINE:COLUMN: error: KEY.PATH: expected …, got … with the source line and a caret.
        Exits with a non-zero status if any file has a problem.
        """
    )

    @Argument(help: "Scenario files (YAML).")
    var files: [String]

    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Override one value before checking: KEY.PATH=VALUE, VALUE a YAML scalar or flow value (repeatable).",
        valueName: "KEY.PATH=VALUE"))
    var overrides: [String] = []

    @Flag(help: "Print each valid file's resolved scenario (defaults included) after its ok line.")
    var resolved = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("Name at least one scenario file.") }
        try CommandChecks.overrides(overrides)
    }

    func run() throws {
        var failed = 0
        for file in files {
            do {
                let doc = try ScenarioLoader.load(path: file, overrides: overrides)
                print("\(file): ok (\(doc.summary))")
                if resolved { print(doc.resolvedYAML, terminator: "") }
            } catch {
                failed += 1
                printError(error.description)
            }
        }
        if failed > 0 { throw ExitCode(1) }
    }
}

/// Writes a line to standard error.
private func printError(_ text: String) {
    FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}
