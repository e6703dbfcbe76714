import Foundation
import Tables

extension OutputFolder {
    /// Checks, without creating anything, that `path` can receive an output folder: it names a
    /// folder of its own (not `.`, `..`, `/`, nor the current folder or one that contains it, which
    /// cannot be moved aside), and if it exists it is a folder that is empty or holds an earlier
    /// run's output and nothing a user put there (``checkReplaceable(_:)``, as ``create(at:)`` requires). Commands call it before simulating, so a
    /// mistyped output fails at once rather than after the run.
    /// - Throws: ``OutputError`` saying what is wrong with `path`.
    public static func checkPlace(_ path: String) throws(OutputError) {
        var trimmed = path
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        let last = trimmed.split(separator: "/").last.map(String.init) ?? ""
        guard !trimmed.isEmpty, !last.isEmpty, last != ".", last != ".." else {
            throw OutputError(message: "output folder '\(path)': give a folder name")
        }
        let fm = FileManager.default
        let target = URL(fileURLWithPath: trimmed).standardizedFileURL.path
        let here = URL(fileURLWithPath: fm.currentDirectoryPath).standardizedFileURL.path
        if here == target || here.hasPrefix(target == "/" ? "/" : target + "/") {
            throw OutputError(message: "output folder '\(path)' is the current folder or contains it; give a folder of its own")
        }
        // An existing folder must hold an earlier run's output and nothing else.
        try checkReplaceable(trimmed)
    }
}
