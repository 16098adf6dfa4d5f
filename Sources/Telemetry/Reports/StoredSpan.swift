import Foundation
import SQLite

/// A span read back from the ring buffer.
public struct StoredSpan: Sendable, Codable, Equatable {
    public var name: String
    public var traceID: String
    public var spanID: String
    public var parentSpanID: String?
    public var startNanoseconds: UInt64
    public var endNanoseconds: UInt64
    /// `ok`, `error` or `unset`.
    public var status: String
    public var statusMessage: String?
    /// Attribute values as text (arrays joined with commas).
    public var attributes: [String: String]
    /// Array-valued attributes as their elements (texts that may hold commas, such as sentences).
    public var lists: [String: [String]] = [:]
    /// Names of the events, in order (`exception`, `retry`, …).
    public var events: [String]
    /// Recorded errors as `Type: message`.
    public var errors: [String]
    /// The `traceparent`s of linked spans (a caller's trace linked to `rag.validate`).
    public var links: [String] = []

    public var durationSeconds: Double { Double(endNanoseconds &- startNanoseconds) / 1e9 }
    public var jobID: String? { attributes[SpanAttributes.jobID] }
    public var outcome: String? { attributes[SpanAttributes.outcome] }
    public var errorCode: String? { attributes[SpanAttributes.errorCode] }
    public var provider: String? { attributes[SpanAttributes.provider] }
    public var attempts: Int? { attributes[SpanAttributes.attempts].flatMap { Int($0) } }

    /// The pipeline stage: `rag.stage`, else the span name without its `rag.` prefix when it names one.
    public var stage: String? {
        if let stage = attributes[SpanAttributes.stage] { return stage }
        let suffix = name.hasPrefix("rag.") ? String(name.dropFirst(4)) : name
        return PipelineStage(rawValue: suffix)?.rawValue
    }

    /// Error status, a recorded error, or outcome `failed`.
    public var isError: Bool { status == "error" || !errors.isEmpty || outcome == "failed" }
}

extension StoredSpan {
    /// Decodes a `span` row: ids and times from its columns, the rest from its JSON payload.
    init?(row: SQLiteRow) {
        guard let name = row.string("name"), let high = row.int("trace_hi"), let low = row.int("trace_lo"),
              let span = row.int("span_id"),
              let start = row.int("time_ns"), let end = row.int("end_ns"),
              let payload = row.string("payload"),
              let object = (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any]
        else { return nil }
        self.name = name
        self.traceID = TraceIDs.hex(UInt64(bitPattern: Int64(high))) + TraceIDs.hex(UInt64(bitPattern: Int64(low)))
        self.spanID = TraceIDs.hex(UInt64(bitPattern: Int64(span)))
        self.parentSpanID = row.int("parent_id").map { TraceIDs.hex(UInt64(bitPattern: Int64($0))) }
        self.startNanoseconds = UInt64(max(start, 0))
        self.endNanoseconds = UInt64(max(end, start, 0))
        self.status = row.string("status") ?? "unset"
        self.statusMessage = object["status.message"] as? String
        let attributes = (object["attributes"] as? [String: Any]) ?? [:]
        self.attributes = attributes.mapValues(Self.attributeText)
        self.lists = Self.lists(attributes)
        self.events = ((object["events"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
        self.errors = ((object["errors"] as? [[String: Any]]) ?? []).map {
            "\($0["type"] as? String ?? "Error"): \($0["message"] as? String ?? "")"
        }
        self.links = (object["links"] as? [String]) ?? []
    }

    /// The array-valued attributes, each element as text.
    static func lists(_ attributes: [String: Any]) -> [String: [String]] {
        attributes.compactMapValues { value in (value as? [Any]).map { $0.map(attributeText) } }
    }

    static func attributeText(_ value: Any) -> String {
        switch value {
        case let string as String: string
        case let number as NSNumber: number.stringValue
        case let array as [Any]: array.map(attributeText).joined(separator: ",")
        default: "\(value)"
        }
    }
}
