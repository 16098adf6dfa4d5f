import Crypto
import Foundation

/// Whether and where each job's prompts and raw model replies are kept for debugging
/// (`RAG_CAPTURE_CONTENT`, docs/observability.md "Capturing prompts and replies").
///
/// Capture is by reference, as the OpenTelemetry GenAI conventions advise for production: the
/// text never goes into a span, a log or a metric; it is kept in the instance's ring buffer
/// (`local`) or written as one object per job to S3, whose key the `rag.job` span records.
public enum ContentCaptureMode: Sendable, Equatable, CustomStringConvertible {
    /// Nothing captured (the default).
    case off
    /// Kept in the ring buffer's `captures` table, with its own bounds and retention.
    case local
    /// One object per job at `s3://<bucket>/<prefix>/jobs/<sha256 of the job id>.json`.
    case s3(bucket: String, prefix: String)

    /// Reads `RAG_CAPTURE_CONTENT` (`off`, `local` or `s3://bucket/prefix`) and
    /// `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT` (`true`/`false`): the OpenTelemetry
    /// variable alone set to `true` means `local`; `RAG_CAPTURE_CONTENT`, when set, decides; the
    /// two contradicting each other (capture asked of one, refused by the other) is an error.
    ///
    /// - Returns: the mode, or the problem with the values (variable, problem).
    static func parse(rag: String?, otel: String?) -> Result<ContentCaptureMode, ContentCaptureModeProblem> {
        var otelAsks: Bool?
        if let otel {
            switch otel.lowercased() {
            case "true": otelAsks = true
            case "false": otelAsks = false
            default:
                return .failure(.init(variable: otelVariable, problem: "must be true or false, got \"\(otel)\""))
            }
        }
        guard let rag else { return .success(otelAsks == true ? .local : .off) }
        let mode: ContentCaptureMode
        switch rag.lowercased() {
        case "off": mode = .off
        case "local": mode = .local
        default:
            guard rag.hasPrefix("s3://") else {
                return .failure(.init(variable: ragVariable, problem: "must be off, local or s3://bucket/prefix, got \"\(rag)\""))
            }
            let path = rag.dropFirst("s3://".count)
            let bucket = String(path.prefix { $0 != "/" })
            let prefix = path.dropFirst(bucket.count).split(separator: "/").joined(separator: "/")
            guard isBucketName(bucket), isPrefix(prefix) else {
                return .failure(.init(variable: ragVariable, problem:
                    "s3://BUCKET/PREFIX needs a bucket of 3-63 lowercase letters, digits and hyphens and a prefix of letters, digits and / . _ - (got \"\(rag)\")"))
            }
            mode = .s3(bucket: bucket, prefix: prefix)
        }
        if otelAsks == false && mode != .off {
            return .failure(.init(variable: otelVariable, problem: "is false, but \(ragVariable)=\(rag) asks for capture: unset one of them"))
        }
        return .success(mode)
    }

    /// A `RAG_CAPTURE_CONTENT` value (`off`, `local`, `s3://bucket/prefix`), nil when malformed.
    public init?(setting: String) {
        guard case .success(let mode) = Self.parse(rag: setting, otel: nil) else { return nil }
        self = mode
    }

    static let ragVariable = "RAG_CAPTURE_CONTENT"
    static let otelVariable = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"

    /// `local`, `s3`, or nil when off: the `rag.capture.store` attribute.
    public var storeName: String? {
        switch self {
        case .off: nil
        case .local: "local"
        case .s3: "s3"
        }
    }

    /// The object key of `jobID`'s capture: the prefix, `jobs/`, and the job id's SHA-256 in
    /// hex (job ids are the caller's text; the digest is a safe key and names one job).
    public static func objectKey(prefix: String, jobID: String) -> String {
        let digest = SHA256.hash(data: Data(jobID.utf8)).map { String(format: "%02x", $0) }.joined()
        return (prefix.isEmpty ? "" : prefix + "/") + "jobs/\(digest).json"
    }

    /// `s3://bucket/key` of `jobID`'s capture, when captures go to S3.
    public func uri(jobID: String) -> String? {
        guard case .s3(let bucket, let prefix) = self else { return nil }
        return "s3://\(bucket)/\(Self.objectKey(prefix: prefix, jobID: jobID))"
    }

    public var description: String {
        switch self {
        case .off: "off"
        case .local: "local"
        case .s3(let bucket, let prefix): "s3://\(bucket)" + (prefix.isEmpty ? "" : "/\(prefix)")
        }
    }

    private static func isBucketName(_ name: String) -> Bool {
        (3...63).contains(name.count) && name.first != "-" && name.last != "-"
            && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    private static func isPrefix(_ prefix: String) -> Bool {
        prefix.utf8.count <= 512 && prefix.unicodeScalars.allSatisfy { scalar in
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || "/._-".unicodeScalars.contains(scalar)
        }
    }
}

/// A bad `RAG_CAPTURE_CONTENT` or `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT` value.
struct ContentCaptureModeProblem: Error {
    var variable: String
    var problem: String
}
