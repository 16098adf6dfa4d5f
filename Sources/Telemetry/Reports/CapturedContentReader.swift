import AWS
import Foundation
import SQLite

extension RingBufferStore {
    /// The captures of `jobID` the ring buffer holds (`RAG_CAPTURE_CONTENT=local`), newest first:
    /// one per run of the job.
    public func captures(jobID: String) async throws -> [CapturedContent] {
        let payloads = try await database.read { connection in
            try connection.query("SELECT payload FROM captures WHERE job_id = ? ORDER BY id DESC", [jobID]).compactMap { $0.string("payload") }
        }
        return try payloads.map { try CapturedContent.decoded(from: Data($0.utf8)) }
    }
}

/// Reads a capture object back from S3 for `rag-worker postmortem --content` (an operator's
/// call: the worker's role may write captures, never read them).
public struct S3CapturedContentReader: Sendable {
    public let client: S3Client

    public init(client: S3Client) {
        self.client = client
    }

    /// The document at `uri` (`s3://bucket/key`).
    ///
    /// - Throws: `AWSError` (code `NoSuchKey` when there is none), `DecodingError` for an object
    ///   that is not a capture, ``CaptureLocationError`` for a malformed URI.
    public func content(at uri: String) async throws -> CapturedContent {
        guard uri.hasPrefix("s3://") else { throw CaptureLocationError(uri: uri) }
        let path = uri.dropFirst("s3://".count)
        let bucket = String(path.prefix { $0 != "/" })
        let key = String(path.dropFirst(bucket.count + 1))
        guard !bucket.isEmpty, !key.isEmpty else { throw CaptureLocationError(uri: uri) }
        return try CapturedContent.decoded(from: try await client.getObject(bucket: bucket, key: key))
    }
}

/// A capture location that is not `s3://bucket/key`.
public struct CaptureLocationError: Error, CustomStringConvertible {
    public var uri: String
    public var description: String { "\(uri) is not an s3://bucket/key location" }
}
