import Analysis
import Tables
import CRename
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An output folder built beside its final place and moved there only when complete.
///
/// ``create(at:)`` makes `.<name>.tmp-<pid>` next to the final path; the run writes there;
/// ``commit()`` swaps it with an existing folder in one atomic step (`renameat2` with
/// `RENAME_EXCHANGE` on Linux, `renamex_np` with `RENAME_SWAP` on macOS, through the `CRename`
/// shim), then deletes the old folder, which the swap left at the temporary path. Where the file
/// system cannot swap, it moves the existing folder aside (`.<name>.old-<pid>`), renames the new
/// one into place and deletes the old one. ``discard()`` deletes the temporary folder and any
/// parent folders `create` had to make. So the final path holds either the previous complete
/// output or the new complete output, never a partial one; after a swap it is never missing,
/// even if the process is killed at that moment. While a folder is open it is registered with
/// ``InterruptCleanup``, which removes it if the process is interrupted.
///
/// An existing folder is replaced only if everything in it was written by Suanli
/// (``writtenNames``), so a mistyped `--out` never deletes a user's file.
public final class OutputFolder: Sendable {
    public let path: String
    public let temporaryPath: String
    let asidePath: String
    /// Parent folders made by `create`, deepest first.
    let createdParents: [String]

    private init(path: String, temporaryPath: String, asidePath: String, createdParents: [String]) {
        self.path = path; self.temporaryPath = temporaryPath; self.asidePath = asidePath
        self.createdParents = createdParents
    }

    /// The names of the files Suanli writes into an output folder: `manifest.json`, the CSV files
    /// of a run (``ResultFiles/fileNames``), `compare.csv` of a comparison, `points.csv` and
    /// `sensitivity.csv` (and `sobol.csv` or `morris.csv`) of a sweep or a merge (and `sensitivity.csv` of a run
    /// with per-replication draws), `robustness.csv` of a sweep with levers, `boxes.csv` of `suanli discover`, and
    /// `posterior.csv`, `generations.csv` and `fit.csv` of a calibration, and
    /// `report.html` of `suanli report`. An existing folder holding anything else (another file,
    /// any subfolder) is never replaced.
    public static let writtenNames: Set<String> = Set(["manifest.json", OutputSchemas.compare.file,
                                                       OutputSchemas.pointsFile, Sensitivity.file, GlobalSensitivity.sobolFile,
                                                       GlobalSensitivity.morrisFile, ScenarioDiscovery.file, RobustnessAnalysis.file,
                                                       "report.html"]
                                                      + ResultFiles.fileNames + Calibration.fileNames)

    /// Whether `name` in an output folder is `suanli report`'s temporary page (`.report.html.tmp-<pid>`),
    /// left by a report that was killed.
    static func isReportLeftover(_ name: String) -> Bool {
        let prefix = ".report.html.tmp-"
        return name.hasPrefix(prefix) && Int32(name.dropFirst(prefix.count)) != nil
    }

    /// The entries of the folder `path` that Suanli did not write (see ``writtenNames``), sorted;
    /// a subfolder is shown with a trailing `/`.
    static func foreignEntries(of path: String) -> [String] {
        let fm = FileManager.default
        let contents = (try? fm.contentsOfDirectory(atPath: path)) ?? []
        var foreign: [String] = []
        for name in contents {
            var isDir: ObjCBool = false
            let exists = fm.fileExists(atPath: path + "/" + name, isDirectory: &isDir)
            let folder = exists && isDir.boolValue && !Self.isSymbolicLink(path + "/" + name)
            if !folder && (writtenNames.contains(name) || isReportLeftover(name)) { continue }
            foreign.append(folder ? name + "/" : name)
        }
        return foreign.sorted()
    }

    private static func isSymbolicLink(_ path: String) -> Bool {
        (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeSymbolicLink
    }

    /// Checks that output may be written to `path`: it does not exist, or it is a folder that is
    /// empty or holds an earlier Suanli output (a `manifest.json`) and nothing else Suanli did not
    /// write. Called by ``create(at:)`` and again just before ``commit()`` replaces the folder;
    /// a command whose output folder is made only at its end (a sweep) calls it before it runs.
    /// - Throws: ``OutputError`` naming the files that replacing the folder would delete.
    public static func checkReplaceable(_ path: String) throws(OutputError) {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDir) else { return }
        guard isDir.boolValue else { throw OutputError(message: "output path '\(path)' exists and is not a folder") }
        let contents = (try? fm.contentsOfDirectory(atPath: path)) ?? []
        guard contents.isEmpty || contents.contains("manifest.json") else {
            throw OutputError(message: "output folder '\(path)' exists and is not a Suanli results folder "
                + "(no manifest.json); give another folder or remove it")
        }
        let foreign = foreignEntries(of: path)
        guard foreign.isEmpty else {
            let shown = foreign.count <= 4 ? foreign : Array(foreign.prefix(3))
            var names = shown.map { "'" + $0 + "'" }.joined(separator: ", ")
            if foreign.count > shown.count { names += " and \(foreign.count - shown.count) more" }
            throw OutputError(message: "output folder '\(path)' holds results of an earlier run and "
                + (foreign.count == 1 ? "an entry" : "\(foreign.count) entries") + " Suanli did not write: \(names); "
                + "replacing the folder would delete \(foreign.count == 1 ? "it" : "them"): choose another output folder, "
                + "or move \(foreign.count == 1 ? "it" : "them") out of the folder")
        }
    }

    /// Makes the temporary folder for a run whose output goes to `path`.
    ///
    /// An existing `path` is accepted only if ``checkReplaceable(_:)`` accepts it: a folder that
    /// is empty or holds the output of an earlier run and nothing else, so a mistyped `--out`
    /// cannot replace an unrelated folder or delete a user's file.
    /// - Throws: ``OutputError`` when `path` is unusable or the folder cannot be made.
    public static func create(at path: String) throws(OutputError) -> OutputFolder {
        let fm = FileManager.default
        var trimmed = path
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        let url = URL(fileURLWithPath: trimmed)
        let name = url.lastPathComponent
        guard !name.isEmpty, name != "/", name != ".", name != ".." else {
            throw OutputError(message: "output folder '\(path)': give a folder name")
        }
        try checkReplaceable(trimmed)
        let parent = url.deletingLastPathComponent().path
        var missing: [String] = []
        var p = parent
        while !p.isEmpty, p != "/", !fm.fileExists(atPath: p) {
            missing.append(p)
            p = URL(fileURLWithPath: p).deletingLastPathComponent().path
        }
        removeStaleLeftovers(parent: parent, name: name, finalExists: fm.fileExists(atPath: trimmed))
        let pid = getpid()
        let folder = OutputFolder(path: trimmed, temporaryPath: parent + "/." + name + ".tmp-\(pid)",
                                  asidePath: parent + "/." + name + ".old-\(pid)", createdParents: missing)
        do {
            if !missing.isEmpty { try fm.createDirectory(atPath: parent, withIntermediateDirectories: true) }
            InterruptCleanup.register(folder)
            try? fm.removeItem(atPath: folder.temporaryPath)
            try fm.createDirectory(atPath: folder.temporaryPath, withIntermediateDirectories: false)
        } catch {
            folder.discard()
            throw OutputError(message: "cannot create output folder next to '\(path)': \(error.localizedDescription)")
        }
        return folder
    }

    /// Moves the completed temporary folder to ``path``, replacing what was there (checked again
    /// with ``checkReplaceable(_:)`` first: a file put into the folder while the run went on is
    /// not deleted either).
    /// - Throws: ``OutputError``; the previous output stays (or is put back) if the new one cannot move in.
    public func commit() throws(OutputError) {
        let result: Result<Void, OutputError> = InterruptCleanup.withLock {
            let fm = FileManager.default
            var st = stat()
            if lstat(path, &st) == 0 {
                do throws(OutputError) { try Self.checkReplaceable(path) } catch { return .failure(error) }
                switch Self.exchange(temporaryPath, path) {
                case .exchanged:
                    // The temporary path now holds the previous output.
                    try? fm.removeItem(atPath: temporaryPath)
                    return .success(())
                case .failed(let text):
                    return .failure(OutputError(message: "cannot move the results into '\(path)': \(text)"))
                case .unsupported:
                    break
                }
            }
            return replaceByRenaming()
        }
        InterruptCleanup.unregister(self)
        if case .failure(let e) = result {
            discard()
            throw e
        }
    }

    /// The fallback of ``commit()`` where paths cannot be exchanged: the existing folder (if
    /// any) is moved aside, the new one renamed into place, the old one deleted. Between the
    /// two renames ``path`` is missing for a moment. Call with the cleanup lock held.
    private func replaceByRenaming() -> Result<Void, OutputError> {
        let fm = FileManager.default
        var movedAside = false
        if fm.fileExists(atPath: path) {
            try? fm.removeItem(atPath: asidePath)
            guard rename(path, asidePath) == 0 else {
                return .failure(OutputError(message: "cannot move the previous '\(path)' aside: \(Self.errnoText())"))
            }
            movedAside = true
        }
        guard rename(temporaryPath, path) == 0 else {
            let text = Self.errnoText()
            if movedAside { _ = rename(asidePath, path) }
            return .failure(OutputError(message: "cannot move the results into '\(path)': \(text)"))
        }
        if movedAside { try? fm.removeItem(atPath: asidePath) }
        return .success(())
    }

    /// What ``exchange(_:_:)`` did.
    enum Exchange: Equatable {
        /// The two paths swapped their entries.
        case exchanged
        /// This system or file system cannot exchange paths (or one of them is missing): rename instead.
        case unsupported
        /// The exchange was refused for another reason (permissions, …), with the system's words.
        case failed(String)
    }

    /// Swaps the entries at `a` and `b` in one atomic step (see `suanli_exchange_paths`).
    static func exchange(_ a: String, _ b: String) -> Exchange {
        if suanli_exchange_paths(a, b) == 0 { return .exchanged }
        let code = errno
        if [ENOSYS, EINVAL, ENOTSUP, EOPNOTSUPP, ENOENT, EXDEV].contains(code) { return .unsupported }
        return .failed(String(cString: strerror(code)))
    }

    /// Deletes the temporary folder and the parents `create` made (if empty). Idempotent.
    public func discard() {
        InterruptCleanup.withLock { removeLeftovers() }
        InterruptCleanup.unregister(self)
    }

    /// Removes the temporary folder and created parents; call with the cleanup lock held.
    func removeLeftovers() {
        try? FileManager.default.removeItem(atPath: temporaryPath)
        for p in createdParents { _ = rmdir(p) }
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }

    /// Removes `.<name>.tmp-<pid>` folders beside the output whose process is dead (a run killed
    /// with SIGKILL leaves one; one killed right after swapping its output in leaves the previous
    /// output there), and `.<name>.old-<pid>` ones too when the output itself exists.
    static func removeStaleLeftovers(parent: String, name: String, finalExists: Bool) {
        let fm = FileManager.default
        guard let siblings = try? fm.contentsOfDirectory(atPath: parent) else { return }
        for s in siblings {
            let kinds = finalExists ? [".tmp-", ".old-"] : [".tmp-"]
            for kind in kinds where s.hasPrefix("." + name + kind) {
                guard let pid = Int32(s.dropFirst(name.count + 1 + kind.count)), pid > 0, pid != getpid(),
                      kill(pid, 0) != 0, errno == ESRCH else { continue }
                try? fm.removeItem(atPath: parent + "/" + s)
            }
        }
    }
}
