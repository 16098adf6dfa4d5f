import Foundation

/// Files the worker writes for its own use (local webhook deliveries): readable by the owner
/// only, whatever the umask, and replaced atomically.
enum PrivateFile {
    /// Writes `data` to a temporary file created with mode 0600 next to `path`, then renames
    /// it over `path`, so a reader never sees half a file and no one else can read it.
    static func write(_ data: Data, to path: String) throws {
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw PrivateFileError(path: temporary, errno: errno) }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            try handle.write(contentsOf: data)
            try handle.close()
            guard rename(temporary, path) == 0 else { throw PrivateFileError(path: path, errno: errno) }
        } catch {
            unlink(temporary)
            throw error
        }
    }
}

/// A private file could not be written; names the path and the system's reason.
struct PrivateFileError: Error, CustomStringConvertible {
    let path: String
    let errno: Int32

    var description: String { "cannot write \(path): \(String(cString: strerror(errno)))" }
}
