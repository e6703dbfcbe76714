import Foundation
import Synchronization

/// The output folders open in this process (see ``OutputFolder``), so that whoever handles an
/// interrupt can remove them.
///
/// The library installs no signal handler and never ends the process: a command-line tool that
/// wants Ctrl-C to leave nothing half-written installs its own handler and calls
/// ``removeOpenFolders()`` from it.
public enum InterruptCleanup {
    private static let open = Mutex<[ObjectIdentifier: OutputFolder]>([:])

    static func register(_ folder: OutputFolder) { open.withLock { $0[ObjectIdentifier(folder)] = folder } }
    static func unregister(_ folder: OutputFolder) { open.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(folder)) } }

    /// Runs `body` while no cleanup can run (commit's renames are atomic with respect to it).
    static func withLock<T>(_ body: () -> T) -> T {
        open.withLock { _ in body() }
    }

    /// Removes the temporary folder (and the parents it made) of every output folder still open,
    /// and forgets them; waits for a commit in progress to finish first. Safe to call from any
    /// thread, e.g. a signal handler's queue.
    /// - Returns: how many folders were removed.
    @discardableResult
    public static func removeOpenFolders() -> Int {
        open.withLock { folders in
            for f in folders.values { f.removeLeftovers() }
            let n = folders.count
            folders.removeAll()
            return n
        }
    }
}
