import AWS
import Foundation

/// One job's timeline read back from CloudWatch Logs, for `rag-worker postmortem --source
/// cloudwatch`: on SageMaker the ring buffer is on an instance the operator cannot reach (and
/// gone once the instance is replaced), while every span and log record was also exported to
/// the worker's log group as one JSON event (docs/observability.md).
///
/// It finds the job's trace id from any event that names the job, then reads every event of the
/// trace, with FilterLogEvents and plain quoted terms (no JSON filter syntax), page by page.
public struct CloudWatchTimelineSource: Sendable {
    public let client: CloudWatchLogsClient
    public let logGroup: String
    /// At most this many events, or pages, are read for one search, so a mistaken term cannot
    /// page forever. (FilterLogEvents may answer empty pages with a token while it scans.)
    public var maxEvents = 20_000
    public var maxPages = 200

    public init(client: CloudWatchLogsClient, logGroup: String) {
        self.client = client
        self.logGroup = logGroup
    }

    /// The timeline of a job (by job id or 32-hex-digit trace id) whose events lie in `range`;
    /// nil when the log group holds nothing about it.
    public func job(_ identifier: String, range: ReportRange) async throws -> JobTimeline? {
        let traceID: String
        if TraceIDs.isValidTraceID(identifier) {
            traceID = identifier.lowercased()
        } else {
            let naming = try await documents(matching: identifier, range: range)
            let found = naming.lazy.compactMap { document -> String? in
                let jobID = (document["attributes"] as? [String: Any])?[SpanAttributes.jobID] as? String
                    ?? document[LogKeys.jobID] as? String
                guard jobID == identifier else { return nil }
                return document[LogKeys.traceID] as? String
            }.first
            guard let found else { return nil }
            traceID = found
        }
        let documents = try await documents(matching: traceID, range: range)
            .filter { ($0[LogKeys.traceID] as? String) == traceID }
        let spans = Self.parentsFirst(documents.filter { $0["type"] as? String == "span" }.compactMap(StoredSpan.init(document:)))
        let logs = documents.filter { $0["type"] as? String == "log" }.compactMap(StoredLog.init(document:))
            .filter { ["warning", "error", "critical"].contains($0.level) }
            .sorted { $0.timeNanoseconds < $1.timeNanoseconds }
        guard !spans.isEmpty || !logs.isEmpty else { return nil }
        let run = spans.last { $0.name == "rag.job" && $0.outcome != "interrupted" }.map { job in
            JobRun(job: job, acceptedNanoseconds: spans.first { $0.name == PipelineStage.validate.spanName }?.startNanoseconds)
        }
        return JobTimeline(jobID: run?.jobID, traceID: traceID, run: run, spans: spans, logs: logs)
    }

    /// Spans by start time; exported times have milliseconds only, so spans that start in the same
    /// millisecond are ordered by their depth in the trace (parents first), then by the pipeline's
    /// stage order (stages run one after the other).
    static func parentsFirst(_ spans: [StoredSpan]) -> [StoredSpan] {
        let parents = Dictionary(spans.map { ($0.spanID, $0.parentSpanID) }, uniquingKeysWith: { first, _ in first })
        func depth(_ span: StoredSpan) -> Int {
            var depth = 0
            var parent = span.parentSpanID
            while let id = parent, depth < spans.count, let next = parents[id] {
                depth += 1
                parent = next
            }
            return depth
        }
        func order(_ span: StoredSpan) -> Int {
            span.stage.flatMap(PipelineStage.init(rawValue:)).flatMap { PipelineStage.allCases.firstIndex(of: $0) } ?? Int.max
        }
        return spans.map { ($0, depth($0), order($0)) }
            .sorted { ($0.0.startNanoseconds, $0.1, $0.2, $0.0.spanID) < ($1.0.startNanoseconds, $1.1, $1.2, $1.0.spanID) }
            .map(\.0)
    }

    /// Every JSON event in `range` that contains `term`, decoded.
    func documents(matching term: String, range: ReportRange) async throws -> [[String: Any]] {
        let escaped = term.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        let start = Date(timeIntervalSince1970: Double(range.startNanoseconds) / 1e9)
        let end = Date(timeIntervalSince1970: Double(range.endNanoseconds) / 1e9)
        var found: [[String: Any]] = []
        var token: String?
        var read = 0
        var pages = 0
        repeat {
            pages += 1
            let page = try await client.filterLogEvents(
                group: logGroup, pattern: "\"\(escaped)\"", start: start, end: end, nextToken: token)
            for event in page.events {
                read += 1
                // The filter matches words; keep only events that really contain the term.
                guard event.message.contains(term),
                      let object = try? JSONSerialization.jsonObject(with: Data(event.message.utf8)) as? [String: Any]
                else { continue }
                found.append(object)
            }
            token = page.nextToken
        } while token != nil && read < maxEvents && pages < maxPages
        return found
    }
}

extension StoredSpan {
    /// Decodes a span event as the CloudWatch Logs exporter writes it (`type` `span`).
    init?(document object: [String: Any]) {
        guard let name = object["name"] as? String, let traceID = object[LogKeys.traceID] as? String,
              let spanID = object[LogKeys.spanID] as? String,
              let start = (object["start"] as? String).flatMap(Self.nanoseconds(iso8601:)),
              let end = (object["time"] as? String).flatMap(Self.nanoseconds(iso8601:))
        else { return nil }
        self.name = name
        self.traceID = traceID
        self.spanID = spanID
        self.parentSpanID = object["parent.id"] as? String
        self.startNanoseconds = start
        self.endNanoseconds = max(end, start)
        self.status = object["status"] as? String ?? "unset"
        self.statusMessage = object["status.message"] as? String
        let attributes = (object["attributes"] as? [String: Any]) ?? [:]
        self.attributes = attributes.mapValues(Self.attributeText)
        self.lists = Self.lists(attributes)
        self.events = ((object["events"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
        self.errors = ((object["errors"] as? [[String: Any]]) ?? []).map {
            "\($0["type"] as? String ?? "Error"): \($0["message"] as? String ?? "")"
        }
    }

    /// Nanoseconds since 1970 of an ISO 8601 time with up to nine fractional digits.
    static func nanoseconds(iso8601 text: String) -> UInt64? {
        guard let dot = text.firstIndex(of: "."), text.hasSuffix("Z") else {
            return (try? Date(text, strategy: .iso8601)).map { UInt64(max(0, $0.timeIntervalSince1970) * 1e9) }
        }
        let whole = String(text[..<dot]) + "Z"
        guard let date = try? Date(whole, strategy: .iso8601) else { return nil }
        let digits = text[text.index(after: dot)..<text.index(before: text.endIndex)]
        guard digits.allSatisfy(\.isNumber), digits.count <= 9,
              let fraction = UInt64(digits.padding(toLength: 9, withPad: "0", startingAt: 0))
        else { return nil }
        return UInt64(max(0, date.timeIntervalSince1970)) * 1_000_000_000 + fraction
    }
}

extension StoredLog {
    /// Decodes a log event as the exporters write it (`type` `log`).
    init?(document object: [String: Any]) {
        guard let time = (object["time"] as? String).flatMap(StoredSpan.nanoseconds(iso8601:)) else { return nil }
        timeNanoseconds = time
        label = object["label"] as? String ?? ""
        level = object["level"] as? String ?? "info"
        message = object["message"] as? String ?? ""
        error = (object["error"] as? String) ?? (object["metadata.error"] as? String)
        errorCode = object["error.code"] as? String
    }
}
