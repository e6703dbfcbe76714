import Dispatch
import Experiments
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ctrl-C and SIGTERM for run, compare, sweep and merge: remove the output folders still being
/// built (``InterruptCleanup/removeOpenFolders()``), say what happened, and exit with 128 + the
/// signal number. The library only keeps the list of open folders; the handlers live here, and
/// every command that handles the signals (report, serve) installs its own through ``onSignal(_:)``.
enum Interrupt {
    private static let sources = Mutex<[any DispatchSourceSignal]>([])
    private static let note = Mutex<(@Sendable () -> String)?>(nil)

    /// Calls `handle` with the signal's number on SIGINT or SIGTERM (on a global queue) instead of
    /// the default action. A process installs one handler: later calls are ignored.
    static func onSignal(_ handle: @escaping @Sendable (Int32) -> Void) {
        sources.withLock { sources in
            guard sources.isEmpty else { return }
            for sig in [SIGINT, SIGTERM] {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler { handle(sig) }
                source.resume()
                sources.append(source)
            }
        }
    }

    /// Sets what an interrupt prints instead of the default line (nil: the default), e.g. how to
    /// resume a sweep; called from the handler, so it must not block for long.
    static func setNote(_ text: (@Sendable () -> String)?) { note.withLock { $0 = text } }

    /// Installs the handlers (idempotent).
    static func install() {
        onSignal { sig in
            InterruptCleanup.removeOpenFolders()
            let text = note.withLock { $0 }?() ?? "suanli: interrupted; the unfinished output was removed\n"
            StandardError.write("\n" + text)
            exit(128 + sig)
        }
    }
}

/// The test hook `SUANLI_TEST_STOP_AT=EVENT[:N]`: the process kills itself with SIGKILL when a sweep
/// reports the event named (`started`, `saved`, `assembling`, `committed`; for `saved`, once at
/// least N points are saved), so tests can stop a sweep at each step without timing it.
enum TestStop {
    /// The event name and point count asked for, or nil when the variable is not set.
    static let target: (name: String, points: Int)? = {
        guard let value = ProcessInfo.processInfo.environment["SUANLI_TEST_STOP_AT"], !value.isEmpty else { return nil }
        let parts = value.split(separator: ":", maxSplits: 1)
        return (String(parts[0]), parts.count > 1 ? Int(parts[1]) ?? 0 : 0)
    }()

    /// The sweep journal's sync interval: zero when the hook stops at a `saved` count, so every
    /// chunk is recorded as it finishes (at the usual interval a sweep faster than it would report
    /// only its last chunk, and the stop would depend on the machine's speed); nil otherwise.
    static var journalInterval: Duration? {
        target?.name == "saved" ? .zero : nil
    }

    /// Kills this process if `event` is the one asked for.
    static func check(_ event: SweepEvent) {
        guard let target, target.name == event.name else { return }
        if case .saved(let points) = event, points < target.points { return }
        kill(getpid(), SIGKILL)
    }
}
