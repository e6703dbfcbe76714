import ArgumentParser
import Experiments
import Foundation
import ScenarioModule

/// The checks of flags and input files that run, compare, sweep and merge share, with one wording.
enum CommandChecks {
    /// `--threads` when given: at least 1, at most ``RunLimits/maxThreads``.
    static func threads(_ threads: Int?) throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be ≥ 1, got \(threads)") }
        if let threads, threads > RunLimits.maxThreads {
            throw ValidationError("--threads must be at most \(RunLimits.maxThreads), got \(threads)")
        }
    }

    /// `--replications`: at least 1, at most ``RunLimits/maxReplications``.
    static func replications(_ replications: Int) throws {
        guard replications >= 1 else { throw ValidationError("--replications must be ≥ 1, got \(replications)") }
        guard replications <= RunLimits.maxReplications else {
            throw ValidationError("--replications must be at most \(RunLimits.maxReplications), got \(replications)")
        }
    }

    /// The output place, checked before anything is loaded or run (a usage error, like a bad flag value).
    static func outputPlace(_ path: String) throws {
        do { try OutputFolder.checkPlace(path) } catch { throw ValidationError(error.message) }
    }

    /// `--out` when given: not blank.
    static func outputFolder(_ out: String?) throws {
        if let out, out.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--out must name a folder, got an empty value")
        }
    }

    /// Each value of a `--set`-style flag has the form KEY.PATH=VALUE (the key itself is checked with
    /// the scenario, where its line and the schema are known).
    static func overrides(_ values: [String], flag: String = "--set") throws {
        for o in values {
            guard let eq = o.firstIndex(of: "="), eq != o.startIndex else {
                throw ValidationError("\(flag) expects KEY.PATH=VALUE (e.g. \(flag) finance.base_rate=0.05), got '\(o)'")
            }
        }
    }

    /// `path` names an existing file, not a folder; `kind` says what it should be ("scenario", "sweep").
    /// A missing file's message suggests the nearest name in its folder.
    static func inputFile(_ path: String, kind: String) throws {
        var isDir: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
            var message = "\(kind.prefix(1).uppercased() + kind.dropFirst()) file '\(path)' not found"
            if let guess = nearestFile(to: path) { message += " (did you mean '\(guess)'?)" }
            throw ValidationError(message + ".")
        }
        if isDir.boolValue { throw ValidationError("'\(path)' is a folder; give a \(kind) file (YAML).") }
    }

    /// The file in the same folder whose name is closest to `path`'s (edit distance ≤ 3).
    static func nearestFile(to path: String) -> String? {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        let name = url.lastPathComponent
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return nil }
        let best = names.filter { !$0.hasPrefix(".") }
            .map { ($0, Suggest.distance($0, name)) }
            .min { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
        guard let best, best.1 <= 3 else { return nil }
        let prefix = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) + "/" : ""
        return prefix + best.0
    }
}
