import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the log handler writes its JSON lines.
public protocol LogLineWriter: Sendable {
    /// Writes one line (without its newline) atomically with respect to other lines.
    func write(line: [UInt8])
}

/// Writes lines to the process's standard output (file descriptor 1), under a lock so lines of
/// concurrent tasks never interleave. SageMaker ships stdout to CloudWatch Logs.
public struct StandardOutputLogWriter: LogLineWriter {
    private static let lock = Mutex(())

    public init() {}

    public func write(line: [UInt8]) {
        var bytes = line
        bytes.append(0x0A)
        Self.lock.withLock { _ in
            bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Glibc.write(1, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        return  // stdout closed: nothing sensible to do from a log call
                    }
                    offset += written
                }
            }
        }
    }
}
