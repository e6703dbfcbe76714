import Foundation
import ScenarioModule
import Synchronization

/// The scenarios `suanli serve` offers: the YAML files directly inside the served folder, by the
/// `name:` each declares. A name is looked up in this listing, never joined to a path, so no
/// request can reach a file outside the folder. Files are re-read when they (or a file they
/// extend) change.
final class ScenarioCatalog: Sendable {
    /// The folder as given (`Scenarios`): scenario paths are this joined with a file name, so a
    /// run's manifest names the file as `suanli compare FOLDER/FILE` would.
    let folder: String

    private struct Cached: Sendable {
        var stamps: [String: Date]
        var document: ScenarioDocument?
        var problem: String?
    }
    private let cache = Mutex<[String: Cached]>([:])

    /// A scenario the folder holds.
    struct Entry: Sendable {
        var file: String
        var document: ScenarioDocument
    }

    /// The folder's scenarios by name, the names in order, and the files that did not load.
    struct Listing: Sendable {
        var byName: [String: Entry] = [:]
        var names: [String] = []
        var problems: [(file: String, message: String)] = []
    }

    init(folder: String) { self.folder = folder }

    func path(_ file: String) -> String { folder.hasSuffix("/") ? folder + file : folder + "/" + file }

    /// Every scenario file of the folder, loaded (or taken from the cache when unchanged).
    func listing() -> Listing {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) && !$0.hasPrefix(".") }
            .sorted()
        var out = Listing()
        for file in files {
            let path = path(file)
            guard let loaded = load(path) else { continue }
            if let document = loaded.document {
                let name = document.name
                if out.byName[name] != nil {
                    out.problems.append((file, "the name '\(name)' is taken by an earlier file; this one is not offered"))
                    continue
                }
                out.byName[name] = Entry(file: file, document: document)
                out.names.append(name)
            } else if let problem = loaded.problem {
                out.problems.append((file, problem))
            }
        }
        return out
    }

    /// The scenario named `name`, if the folder holds one.
    func entry(named name: String) -> Entry? { listing().byName[name] }

    private func load(_ path: String) -> Cached? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { return nil }
        if let hit = cache.withLock({ $0[path] }), hit.stamps.allSatisfy({ Self.stamp($0.key) == $0.value }) {
            return hit
        }
        var entry: Cached
        do {
            let document = try ScenarioLoader.load(path: path)
            var stamps: [String: Date] = [:]
            for f in document.files { stamps[f] = Self.stamp(f) }
            stamps[path] = Self.stamp(path)
            entry = Cached(stamps: stamps, document: document, problem: nil)
        } catch {
            // A sweep, targets or broken file: not a scenario to offer.
            entry = Cached(stamps: [path: Self.stamp(path)], document: nil, problem: error.diagnostics.first?.header ?? error.summary)
        }
        cache.withLock { $0[path] = entry }
        return entry
    }

    private static func stamp(_ path: String) -> Date {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date) ?? .distantPast
    }
}
