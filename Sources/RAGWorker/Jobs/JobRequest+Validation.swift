import Foundation
import RAGPipeline
import Telemetry

/// One problem with one field of a request, by its JSON path (e.g. `budget.min`, `skills[2]`).
struct FieldProblem: Sendable, Equatable, Codable {
    var path: String
    var problem: String
}

/// Why a request body could not become a ``JobRequest``.
enum JobRequestDecodingError: Error, Equatable {
    /// Not JSON at all, truncated, not UTF-8, or nested too deeply: 400.
    case malformed(String)
    /// JSON, but fields are missing or wrong: 422.
    case invalid([FieldProblem])
}

extension JobRequest {
    /// Limits on the request's fields. The body limit (`RAG_MAX_BODY_BYTES`) bounds the rest.
    enum Limits {
        static let jobID = 1...128
        /// The job id travels as a URL path segment and the webhook's `Idempotency-Key` header.
        static let jobIDBytes = 256
        static let title = 1...1_000
        static let description = 1...100_000
        static let skills = 100
        static let skillLength = 1...200
        static let questions = 25
        static let questionLength = 1...5_000
        static let url = 2_048
        /// `metadata` is stored with the job and sent back in the webhook, kept for the retention
        /// period: a few ids fit many times over.
        static let metadataBytes = 16_384
        static let nesting = 32
        /// Values in the whole document (about 1 per `[`, `{` or `,`). A posting has a few
        /// hundred; decoding costs per value, so a body of a million tiny ones is refused unread.
        static let values = 20_000
    }

    /// Parses and validates a request body, reporting every field problem at once.
    static func decode(from body: some Collection<UInt8>) -> Result<JobRequest, JobRequestDecodingError> {
        if let structureProblem = structureProblem(body, nesting: Limits.nesting, values: Limits.values) {
            return .failure(.malformed(structureProblem))
        }
        let data = Data(body)
        let object: [String: JSONValue]
        if let wire = try? JSONDecoder().decode(WireJobRequest.self, from: data) {
            // Fast path: every known field had the expected JSON type.
            object = wire.members
        } else {
            // Slow path: a malformed document, or wrong types to report field by field.
            let value: JSONValue
            do {
                value = try JSONDecoder().decode(JSONValue.self, from: data)
            } catch {
                return .failure(.malformed("the body is not valid UTF-8 JSON"))
            }
            guard case .object(let members) = value else {
                return .failure(.invalid([FieldProblem(path: "$", problem: "must be a JSON object, got \(value.typeName)")]))
            }
            object = members
        }
        var validator = FieldValidator(object)
        let request = validator.jobRequest()
        guard validator.problems.isEmpty, let request else {
            return .failure(.invalid(validator.problems))
        }
        return .success(request)
    }

    /// Rejects documents nested deeper than `limit` before a recursive parser sees them.
    /// Checks nesting depth and the number of values on the raw bytes, before any parsing.
    private static func structureProblem(_ bytes: some Collection<UInt8>, nesting limit: Int, values: Int) -> String? {
        var depth = 0
        var separators = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                separators += 1
                if depth > limit { return "the JSON is nested deeper than \(limit) levels" }
                if separators > values { return "the JSON has more than \(values) values" }
            case UInt8(ascii: ","):
                separators += 1
                if separators > values { return "the JSON has more than \(values) values" }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return nil
    }
}

/// Walks the decoded object and collects field problems with their paths.
private struct FieldValidator {
    private let object: [String: JSONValue]
    private(set) var problems: [FieldProblem] = []

    init(_ object: [String: JSONValue]) {
        self.object = object
    }

    mutating func jobRequest() -> JobRequest? {
        // Postgres refuses U+0000 in text and jsonb: a job holding one could be accepted by one
        // store and fail in another, or only at the persist stage after the model was paid for.
        for member in object.keys.sorted() {
            reportNULs(in: object[member] ?? .null, path: member)
        }
        // NFC: two ids that look the same and are canonically equivalent (a composed and a
        // decomposed "café") are one job.
        let jobID = requiredString("job_id", in: object, path: "job_id", length: JobRequest.Limits.jobID)?
            .precomposedStringWithCanonicalMapping
        if let jobID, jobID.unicodeScalars.contains(where: { TerminalText.needsEscape($0) || $0 == "/" }) {
            report("job_id", "must hold printable characters only: no control, format (zero-width, direction override), line separator, private-use or unassigned characters, and no '/'")
        } else if let jobID, jobID.utf8.count > JobRequest.Limits.jobIDBytes {
            report("job_id", "must be at most \(JobRequest.Limits.jobIDBytes) bytes of UTF-8, got \(jobID.utf8.count)")
        }
        let title = requiredString("title", in: object, path: "title", length: JobRequest.Limits.title)
        let description = requiredString("description", in: object, path: "description", length: JobRequest.Limits.description)
        let skills = stringArray("skills", maxCount: JobRequest.Limits.skills, length: JobRequest.Limits.skillLength)
        let questions = stringArray("questions", maxCount: JobRequest.Limits.questions, length: JobRequest.Limits.questionLength)
        let budget = budget()
        let client = client()
        var url: String?
        if case .string(let sent)? = object["url"], sent.unicodeScalars.count > JobRequest.Limits.url {
            report("url", "must be at most \(JobRequest.Limits.url) characters")
        } else if let raw = optionalString("url", in: object, path: "url", keeping: JobRequest.Limits.url) {
            if Self.isHTTPURL(raw) {
                url = raw
            } else {
                report("url", "must be an absolute http(s) URL")
            }
        }
        var metadata: [String: JSONValue]?
        switch object["metadata"] {
        case nil, .null?: break
        case .object(let members)?:
            let size = (try? JSONEncoder().encode(JSONValue.object(members)))?.count ?? Int.max
            if size > JobRequest.Limits.metadataBytes {
                report("metadata", "must be at most \(JobRequest.Limits.metadataBytes) bytes as JSON, got \(size == Int.max ? "more" : String(size))")
            } else {
                metadata = members
            }
        case let other?: report("metadata", "must be an object, got \(other.typeName)")
        }
        guard let jobID, let title, let description else { return nil }
        return JobRequest(
            jobID: jobID, title: title, description: description, skills: skills ?? [],
            budget: budget, client: client, url: url, questions: questions ?? [], metadata: metadata
        )
    }

    private mutating func budget() -> JobRequest.Budget? {
        guard let members = optionalObject("budget") else { return nil }
        var kind: JobRequest.Budget.Kind?
        if let raw = requiredString("type", in: members, path: "budget.type", length: 1...20) {
            kind = JobRequest.Budget.Kind(rawValue: raw.lowercased())
            if kind == nil { report("budget.type", "must be fixed or hourly") }
        }
        let minimum = number("min", in: members, path: "budget.min", range: 0...1e9)
        let maximum = number("max", in: members, path: "budget.max", range: 0...1e9)
        if let minimum, let maximum, maximum < minimum {
            report("budget.max", "must not be less than budget.min")
        }
        var currency = optionalString("currency", in: members, path: "budget.currency")
        if let code = currency {
            if code.count == 3, code.allSatisfy({ $0.isASCII && $0.isLetter }) {
                currency = code.uppercased()
            } else {
                report("budget.currency", "must be a three-letter ISO 4217 code")
            }
        }
        guard let kind else { return nil }
        return JobRequest.Budget(type: kind, min: minimum, max: maximum, currency: currency)
    }

    private mutating func client() -> JobRequest.Client? {
        guard let members = optionalObject("client") else { return nil }
        let hires = number("hires", in: members, path: "client.hires", range: 0...1e9)
        if let hires, hires.rounded() != hires { report("client.hires", "must be a whole number") }
        return JobRequest.Client(
            country: optionalString("country", in: members, path: "client.country"),
            rating: number("rating", in: members, path: "client.rating", range: 0...5),
            totalSpent: number("total_spent", in: members, path: "client.total_spent", range: 0...1e12),
            hires: hires.map { Int($0) }
        )
    }

    private mutating func requiredString(
        _ key: String, in members: [String: JSONValue], path: String, length: ClosedRange<Int>
    ) -> String? {
        guard let value = members[key], value != .null else {
            report(path, "is required")
            return nil
        }
        guard case .string(let raw) = value else {
            report(path, "must be a string, got \(value.typeName)")
            return nil
        }
        let text = raw.trimmedWhitespace
        guard text.hasCharacterCount(in: length) else {
            report(path, text.isEmpty ? "must not be empty" : "must be \(length.lowerBound) to \(length.upperBound) characters, got \(text.count)")
            return nil
        }
        return text
    }

    /// The trimmed string at `key`, nil when absent, null or empty; at most `keeping` characters are kept.
    private mutating func optionalString(_ key: String, in members: [String: JSONValue], path: String, keeping: Int = 1_000) -> String? {
        switch members[key] {
        case nil, .null?: return nil
        case .string(let text)?:
            let trimmed = text.trimmedWhitespace
            return trimmed.isEmpty ? nil : String(trimmed.prefix(keeping))
        case let other?:
            report(path, "must be a string, got \(other.typeName)")
            return nil
        }
    }

    private mutating func number(
        _ key: String, in members: [String: JSONValue], path: String, range: ClosedRange<Double>
    ) -> Double? {
        switch members[key] {
        case nil, .null?: return nil
        case .number(let value)?:
            guard range.contains(value) else {
                report(path, "must be between \(Self.format(range.lowerBound)) and \(Self.format(range.upperBound))")
                return nil
            }
            return value
        case let other?:
            report(path, "must be a number, got \(other.typeName)")
            return nil
        }
    }

    private mutating func optionalObject(_ key: String) -> [String: JSONValue]? {
        switch object[key] {
        case nil, .null?: return nil
        case .object(let members)?: return members
        case let other?:
            report(key, "must be an object, got \(other.typeName)")
            return nil
        }
    }

    private mutating func stringArray(_ key: String, maxCount: Int, length: ClosedRange<Int>) -> [String]? {
        switch object[key] {
        case nil, .null?: return nil
        case .array(let items)?:
            if items.count > maxCount {
                report(key, "must have at most \(maxCount) items, got \(items.count)")
                return nil
            }
            var strings: [String] = []
            for (index, item) in items.enumerated() {
                let path = "\(key)[\(index)]"
                guard case .string(let raw) = item else {
                    report(path, "must be a string, got \(item.typeName)")
                    continue
                }
                let text = raw.trimmedWhitespace
                if text.hasCharacterCount(in: length) {
                    strings.append(text)
                } else {
                    report(path, text.isEmpty ? "must not be empty" : "must be at most \(length.upperBound) characters")
                }
            }
            return strings
        case let other?:
            report(key, "must be an array of strings, got \(other.typeName)")
            return nil
        }
    }

    /// Reports every string or member name under `value` that contains U+0000.
    private mutating func reportNULs(in value: JSONValue, path: String) {
        switch value {
        case .string(let text):
            if text.utf8.contains(0) { report(path, "must not contain the NUL character (U+0000)") }
        case .array(let items):
            for (index, item) in items.enumerated() { reportNULs(in: item, path: "\(path)[\(index)]") }
        case .object(let members):
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                if name.utf8.contains(0) { report(path, "must not contain a member name with the NUL character (U+0000)") }
                reportNULs(in: member, path: "\(path).\(name)")
            }
        case .number, .bool, .null:
            break
        }
    }

    /// An absolute http(s) URL by the API's rule (docs/openapi.yaml states it as a pattern):
    /// `http://` or `https://` in any letter case, then an authority (up to the first `/`, `?`
    /// or `#`) whose host, after any `user@`, is not empty and does not start with `:`; no white
    /// space or control character anywhere.
    static func isHTTPURL(_ text: String) -> Bool {
        guard !text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control })
        else { return false }
        let rest: Substring
        if text.prefix(7).lowercased() == "http://" {
            rest = text.dropFirst(7)
        } else if text.prefix(8).lowercased() == "https://" {
            rest = text.dropFirst(8)
        } else {
            return false
        }
        let authority = rest.prefix { !"/?#".contains($0) }
        let host = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? ""
        return !host.isEmpty && host.first != ":"
    }

    private mutating func report(_ path: String, _ problem: String) {
        problems.append(FieldProblem(path: path, problem: problem))
    }

    private static func format(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

extension String {
    /// The string without leading and trailing white space and newlines (Unicode `White_Space`),
    /// without going through Foundation's character sets on the hot path.
    var trimmedWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        if first == scalars.startIndex && last == scalars.index(before: scalars.endIndex) { return self }
        return String(scalars[first...last])
    }

    /// Whether the number of characters is in `range`, counting graphemes only when the UTF-8
    /// length cannot decide (a character is at least one byte).
    func hasCharacterCount(in range: ClosedRange<Int>) -> Bool {
        let bytes = utf8.count
        if bytes < range.lowerBound { return false }
        if bytes <= range.upperBound && range.lowerBound <= 1 { return bytes >= range.lowerBound }
        return range.contains(count)
    }
}
