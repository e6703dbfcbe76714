import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The lock of a sweep's partial folder: the file `lock` in it, held with `flock` and holding
/// the owner's process id.
///
/// Two sweeps writing the same output would interleave their chunks, so the second one is
/// refused while the first runs. The kernel drops a `flock` when its process dies however it
/// dies (SIGKILL included), so a lock file left by a dead process is simply taken over; the
/// process id written in it only serves the message.
final class SweepLock {
    static let fileName = "lock"

    let path: String
    private var fd: Int32

    private init(path: String, fd: Int32) { self.path = path; self.fd = fd }

    /// Takes the lock of `folder` (made if missing, with its parents).
    /// - Throws: ``SweepError`` naming the folder and the process that holds it, or why the lock
    ///   file cannot be made.
    static func acquire(folder: String, output: String) throws(SweepError) -> SweepLock {
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw SweepError.io("create the partial sweep folder", folder, error)
        }
        let path = folder + "/" + fileName
        for _ in 0..<100 {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw SweepError(.lockFailed(reason: errnoText()), file: path) }
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                let why = errno
                let owner = readOwner(fd)
                close(fd)
                if why == EWOULDBLOCK || why == EAGAIN {
                    throw SweepError(.locked(owner: owner, output: output), file: path)
                }
                throw SweepError(.lockFailed(reason: String(cString: strerror(why))), file: path)
            }
            // The file may have been removed (its sweep finished) between our open and flock:
            // then the lock is on a dead inode, and another process could make a new file. Retry.
            var held = stat(), named = stat()
            guard fstat(fd, &held) == 0, stat(path, &named) == 0, held.st_ino == named.st_ino, held.st_dev == named.st_dev else {
                close(fd)
                continue
            }
            let text = "\(getpid())\n"
            _ = ftruncate(fd, 0)
            _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
            return SweepLock(path: path, fd: fd)
        }
        throw SweepError(.lockFailed(reason: "it keeps being removed"), file: path)
    }

    /// The process id written in the lock file, if any.
    private static func readOwner(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = pread(fd, &buffer, buffer.count, 0)
        guard n > 0 else { return nil }
        return Int32(String(decoding: buffer[..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Releases the lock (the file stays unless its folder is removed). Idempotent.
    func release() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
    }

    deinit { release() }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
