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
/// ``commit()`` moves an existing folder aside (`.<name>.old-<pid>`), renames the new one into
/// place and deletes the old one; ``discard()`` deletes the temporary folder and any parent
/// folders `create` had to make. So the final path holds either the previous complete output
/// or the new complete output, never a partial one. While a folder is open it is registered
/// with ``InterruptCleanup``, which removes it if the process is interrupted.
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

    /// Makes the temporary folder for a run whose output goes to `path`.
    ///
    /// An existing `path` is accepted only if it is a folder that is empty or holds a
    /// `manifest.json` (the output of an earlier run), so a mistyped `--out` cannot replace
    /// an unrelated folder.
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
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: trimmed, isDirectory: &isDir) {
            guard isDir.boolValue else { throw OutputError(message: "output path '\(path)' exists and is not a folder") }
            let contents = (try? fm.contentsOfDirectory(atPath: trimmed)) ?? []
            guard contents.isEmpty || contents.contains("manifest.json") else {
                throw OutputError(message: "output folder '\(path)' exists and is not a Suanli results folder "
                    + "(no manifest.json); choose another --out or remove it")
            }
        }
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

    /// Moves the completed temporary folder to ``path``, replacing what was there.
    /// - Throws: ``OutputError``; the previous output is put back if the new one cannot move in.
    public func commit() throws(OutputError) {
        let result: Result<Void, OutputError> = InterruptCleanup.withLock {
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
        InterruptCleanup.unregister(self)
        if case .failure(let e) = result {
            discard()
            throw e
        }
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
    /// with SIGKILL leaves one), and `.<name>.old-<pid>` ones too when the output itself exists.
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
