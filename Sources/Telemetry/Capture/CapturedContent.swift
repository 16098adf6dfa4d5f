import Foundation

/// What capture keeps of one job: its prompts, the models' raw replies and the providers' error
/// answers (cut to code and message), in the order they happened. Stored as one JSON document per
/// job in the ring buffer (`local`) or in S3.
public struct CapturedContent: Sendable, Codable, Equatable {
    /// One thing sent to or received from a model provider.
    public struct Exchange: Sendable, Codable, Equatable {
        public enum Kind: String, Sendable, Codable {
            /// The messages of one request (system prompt, user message, a repair request).
            case prompt
            /// A model's raw reply text.
            case reply
            /// A provider's error answer: status, code and message only.
            case error
        }

        /// One message of a prompt.
        public struct Message: Sendable, Codable, Equatable {
            public var role: String
            public var content: String

            public init(role: String, content: String) {
                self.role = role
                self.content = content
            }
        }

        /// ISO 8601, UTC.
        public var time: String
        public var stage: String
        public var provider: String
        public var kind: Kind
        public var messages: [Message]?
        public var content: String?
        public var status: Int?
        public var code: String?
        public var message: String?
        /// True when a text was cut to ``CapturedContent/maxTextCharacters``.
        public var truncated: Bool?

        public init(
            time: String, stage: String, provider: String, kind: Kind, messages: [Message]? = nil, content: String? = nil,
            status: Int? = nil, code: String? = nil, message: String? = nil, truncated: Bool? = nil
        ) {
            self.time = time
            self.stage = stage
            self.provider = provider
            self.kind = kind
            self.messages = messages
            self.content = content
            self.status = status
            self.code = code
            self.message = message
            self.truncated = truncated
        }
    }

    /// Exchanges kept per job; later ones are counted in ``dropped``.
    public static let maxExchanges = 32
    /// Characters kept of one text (a message, a reply).
    public static let maxTextCharacters = 200_000

    public var jobID: String
    public var traceID: String
    /// When the job's run ended, ISO 8601 UTC.
    public var capturedAt: String
    public var exchanges: [Exchange]
    /// Exchanges left out past ``maxExchanges``.
    public var dropped: Int

    enum CodingKeys: String, CodingKey {
        case exchanges, dropped
        case jobID = "job_id"
        case traceID = "trace_id"
        case capturedAt = "captured_at"
    }

    public init(jobID: String, traceID: String, capturedAt: String, exchanges: [Exchange], dropped: Int = 0) {
        self.jobID = jobID
        self.traceID = traceID
        self.capturedAt = capturedAt
        self.exchanges = exchanges
        self.dropped = dropped
    }

    /// The document as stored: sorted keys, no escaped slashes.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    public static func decoded(from data: Data) throws -> CapturedContent {
        try JSONDecoder().decode(CapturedContent.self, from: data)
    }
}
