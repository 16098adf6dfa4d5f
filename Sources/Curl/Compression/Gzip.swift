import CZlib
import Foundation

/// gzip (RFC 1952) of request bodies, for `Content-Encoding: gzip` (libcurl only decompresses
/// responses). One call over the whole buffer: bodies here are at most a few megabytes.
public enum Gzip {
    /// A failed compression or decompression, with zlib's status.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let status: Int32
        public var description: String { "zlib failed with status \(status)" }
    }

    /// `data` compressed at `level` (1 fastest … 9 smallest; 6 is zlib's default).
    public static func compress(_ data: Data, level: Int32 = 6) throws(Failure) -> Data {
        var output = Data(count: czlib_gzip_bound(data.count))
        var written = output.count
        let status = data.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { buffer in
                czlib_gzip(input.bindMemory(to: UInt8.self).baseAddress, input.count, level,
                           buffer.bindMemory(to: UInt8.self).baseAddress, &written)
            }
        }
        guard status == 0 else { throw Failure(status: status) }
        output.count = written
        return output
    }

    /// The bytes of a gzip stream; fails when it holds more than `maximumBytes` once inflated.
    public static func decompress(_ data: Data, maximumBytes: Int) throws(Failure) -> Data {
        var output = Data(count: maximumBytes)
        var written = maximumBytes
        let status = data.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { buffer in
                czlib_gunzip(input.bindMemory(to: UInt8.self).baseAddress, input.count,
                             buffer.bindMemory(to: UInt8.self).baseAddress, &written)
            }
        }
        guard status == 0 else { throw Failure(status: status) }
        output.count = written
        return output
    }
}
