import Foundation

/// Keeps a second `rag-worker serve` off a data directory another one is using.
///
/// The SQLite job store takes back every `running` job at start-up, which is only right when
/// no other process is running them. The lock is an `flock` on `<dir>/.lock`; the kernel
/// releases it when the process dies, even by SIGKILL.
final class DataDirectoryLock: Sendable {
    private let descriptor: Int32

    /// Takes the lock or throws naming the directory and the holder's pid.
    init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = (directory as NSString).appendingPathComponent(".lock")
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw DataDirectoryLockError(directory: directory, reason: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
            close(descriptor)
            throw DataDirectoryLockError(directory: directory, reason: "another rag-worker (pid \(holder)) is using it")
        }
        ftruncate(descriptor, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { write(descriptor, $0, strlen($0)) }
        self.descriptor = descriptor
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

/// The data directory is in use or unusable.
struct DataDirectoryLockError: Error, CustomStringConvertible {
    let directory: String
    let reason: String

    var description: String { "data directory \(directory): \(reason)" }
}
