import ArgumentParser
import Foundation
import ScenarioModule

/// `suanli explain KEY.PATH`: one key of the scenario format, from the schema table.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain a scenario key: meaning, unit, default and valid range.",
        discussion: """
        KEY.PATH may carry indices or names or neither: demand.segments[0].rate,
        demand.segments[llm-training].rate and demand.segments.rate all explain the same key.
        A map or list also lists its keys; with no KEY.PATH, the top-level keys are listed.
        --markdown prints the whole table as docs/scenario-format.md; --targets-markdown the keys of
        targets files (suanli calibrate) as docs/targets-format.md.
        """
    )

    @Argument(help: "The key path, e.g. demand.segments.rate.")
    var keyPath: String?

    @Flag(help: "Print the full scenario-format reference as Markdown (docs/scenario-format.md).")
    var markdown = false

    @Flag(help: "Print the targets-file reference (suanli calibrate) as Markdown (docs/targets-format.md).")
    var targetsMarkdown = false

    func validate() throws {
        if markdown && targetsMarkdown { throw ValidationError("give --markdown or --targets-markdown, not both.") }
        if targetsMarkdown {
            if keyPath != nil { throw ValidationError("--targets-markdown prints the whole table; give no KEY.PATH with it.") }
            return
        }
        if markdown {
            if keyPath != nil { throw ValidationError("--markdown prints the whole table; give no KEY.PATH with it.") }
            return
        }
        if let k = keyPath, ScenarioSchema.explain(k) == nil {
            let hint = ScenarioSchema.suggestion(for: k).map { " Did you mean '\($0)'?" } ?? ""
            throw ValidationError("Unknown scenario key '\(k)'.\(hint) Run 'suanli explain' for the top-level keys.")
        }
    }

    func run() throws {
        if targetsMarkdown {
            print(TargetsFile.markdown(), terminator: "")
            return
        }
        if markdown {
            print(ScenarioSchema.markdown(), terminator: "")
            return
        }
        print(ScenarioSchema.explain(keyPath ?? "") ?? "", terminator: "")
    }
}
