import AWS
import Foundation

/// Where captured documents go: the ring buffer (`local`) or S3.
public protocol ContentCaptureDestination: Sendable {
    /// Names the destination in log lines and the `Provider` dimension of the export metrics.
    var name: String { get }

    /// Stores one job's document.
    ///
    /// - Throws: ``TelemetryExportError`` (classified: throttled and unavailable are retried).
    func store(_ document: CapturedContent, encoded: Data) async throws
}

/// Captures in S3: one object per job, SSE-S3 encrypted, at ``ContentCaptureMode/objectKey(prefix:jobID:)``.
public struct S3CaptureDestination: ContentCaptureDestination {
    public let client: S3Client
    public let bucket: String
    public let prefix: String
    public var name: String { "content-capture-s3" }

    public init(client: S3Client, bucket: String, prefix: String) {
        self.client = client
        self.bucket = bucket
        self.prefix = prefix
    }

    public func store(_ document: CapturedContent, encoded: Data) async throws {
        try await TelemetryExportError.mapping {
            _ = try await client.putObject(
                bucket: bucket, key: ContentCaptureMode.objectKey(prefix: prefix, jobID: document.jobID), body: encoded,
                encryption: .s3Managed, timeout: .seconds(20))
        }
    }
}

/// Captures in the ring buffer's `captures` table (``RingBufferStore/storeCapture(_:encoded:limits:)``).
public struct LocalCaptureDestination: ContentCaptureDestination {
    public let store: RingBufferStore
    public let limits: CaptureRetention
    public var name: String { "content-capture-local" }

    public init(store: RingBufferStore, limits: CaptureRetention) {
        self.store = store
        self.limits = limits
    }

    public func store(_ document: CapturedContent, encoded: Data) async throws {
        do {
            try await store.storeCapture(document, encoded: encoded, limits: limits)
        } catch {
            throw TelemetryExportError(kind: .unavailable, service: "ring-buffer", operation: "StoreCapture", message: "\(error)")
        }
    }
}

/// How much captured content the ring buffer keeps: the newest jobs within all three bounds.
public struct CaptureRetention: Sendable, Equatable {
    public var maxJobs: Int
    public var maxBytes: Int
    public var maxAge: Duration

    public init(maxJobs: Int, maxBytes: Int, maxAge: Duration) {
        self.maxJobs = maxJobs
        self.maxBytes = maxBytes
        self.maxAge = maxAge
    }
}
