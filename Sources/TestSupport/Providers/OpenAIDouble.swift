import Foundation
import Hummingbird
import Synchronization

/// A loopback double of the OpenAI API: `POST /v1/embeddings` and `POST /v1/chat/completions`,
/// with the documented request checks, answer shapes, error bodies and ``ProviderFault``s.
///
/// Embeddings are deterministic hashed bags of words (similar texts, similar vectors). Chat
/// answers come from ``chatResponder`` (by default a valid proposal that answers each
/// numbered screening question of the prompt). Only keys in ``acceptedKeys`` pass; others
/// get 401 with `invalid_api_key`.
public final class OpenAIDouble: Sendable {
    /// What a chat request asked, for responders.
    public struct ChatRequest: Sendable {
        public var model: String
        /// `(role, content)` in order.
        public var messages: [(role: String, content: String)]

        /// The content of the last user message.
        public var lastUserMessage: String { messages.last { $0.role == "user" }?.content ?? "" }
    }

    /// The `usage` the double answered with, one entry per successful reply, in order.
    public struct ServedUsage: Sendable, Equatable {
        public var model: String
        public var id: String?
        public var promptTokens: Int
        public var completionTokens: Int
        public var cachedTokens: Int
        public var reasoningTokens: Int
    }

    /// How the double reports prompt caching and reasoning in chat replies.
    public struct UsageDetails: Sendable {
        /// Share of the prompt tokens reported as `prompt_tokens_details.cached_tokens` (rounded down).
        public var cachedShare: Double
        /// Reported as `completion_tokens_details.reasoning_tokens` (at most the completion tokens).
        public var reasoningTokens: Int

        public init(cachedShare: Double = 0, reasoningTokens: Int = 0) {
            self.cachedShare = cachedShare
            self.reasoningTokens = reasoningTokens
        }
    }

    public let embeddings = RequestRecorder()
    public let chat = RequestRecorder()
    private let served = Mutex<(chat: [ServedUsage], embeddings: [ServedUsage])>(([], []))
    private let details = Mutex(UsageDetails())
    public let embeddingFaults = FaultScript()
    public let chatFaults = FaultScript()
    private let keys: Mutex<Set<String>>
    private let responder: Mutex<@Sendable (ChatRequest) -> String>

    public init(apiKey: String = "sk-test-openai") {
        keys = Mutex([apiKey])
        responder = Mutex({ OpenAIDouble.validProposal(for: $0) })
    }

    /// Keys the double accepts now (replace them to simulate a rotation).
    public var acceptedKeys: Set<String> {
        get { keys.withLock { $0 } }
        set { keys.withLock { $0 = newValue } }
    }

    /// The usage of every chat reply so far.
    public var chatUsage: [ServedUsage] { served.withLock { $0.chat } }
    /// The usage of every embeddings reply so far.
    public var embeddingUsage: [ServedUsage] { served.withLock { $0.embeddings } }

    /// Sets the cached-token share and reasoning tokens of the next chat replies.
    public func setUsageDetails(_ value: UsageDetails) {
        details.withLock { $0 = value }
    }

    /// Sets what the "model" answers.
    public func setChatResponder(_ body: @escaping @Sendable (ChatRequest) -> String) {
        responder.withLock { $0 = body }
    }

    /// Adds the routes under `/v1`.
    public func register(on router: Router<BasicRequestContext>) {
        router.post("/v1/embeddings") { request, _ in try await self.embeddingsRoute(request) }
        router.post("/v1/chat/completions") { request, _ in try await self.chatRoute(request) }
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        register(on: router)
        return router
    }

    private func embeddingsRoute(_ request: Request) async throws -> Response {
        let recorded = try await embeddings.record(request)
        if let denied = authorize(recorded) { return denied }
        if let response = try await DoubleResponse.apply(
            await embeddingFaults.next(), authorization: recorded.header("Authorization"), requestBody: recorded.body,
            errorBody: Self.errorBody) { return response }
        guard let body = recorded.jsonObject, body["model"] is String else {
            return DoubleResponse.json(Self.errorBody(400), status: .badRequest)
        }
        let inputs: [String]
        if let text = body["input"] as? String { inputs = [text] } else if let list = body["input"] as? [String], !list.isEmpty,
                                                                          list.allSatisfy({ !$0.isEmpty }) { inputs = list } else {
            return DoubleResponse.json(Self.errorBody(400), status: .badRequest)
        }
        let dimensions = body["dimensions"] as? Int ?? 1536
        let base64 = body["encoding_format"] as? String == "base64"
        let data = inputs.enumerated().map { index, text -> [String: Any] in
            let vector = DoubleResponse.embedding(text, dimensions: dimensions)
            return ["object": "embedding", "index": index, "embedding": base64 ? DoubleResponse.base64Float32(vector) : vector]
        }
        let tokens = inputs.reduce(0) { $0 + $1.split(separator: " ").count }
        let model = body["model"] as? String ?? ""
        served.withLock {
            $0.embeddings.append(ServedUsage(model: model, id: nil, promptTokens: tokens, completionTokens: 0, cachedTokens: 0, reasoningTokens: 0))
        }
        return DoubleResponse.json([
            "object": "list", "data": data, "model": body["model"] ?? "",
            "usage": ["prompt_tokens": tokens, "total_tokens": tokens],
        ])
    }

    private func chatRoute(_ request: Request) async throws -> Response {
        let recorded = try await chat.record(request)
        if let denied = authorize(recorded) { return denied }
        let fault = await chatFaults.next()
        if let response = try await DoubleResponse.apply(
            fault, authorization: recorded.header("Authorization"), requestBody: recorded.body, errorBody: Self.errorBody) {
            return response
        }
        guard let body = recorded.jsonObject, let model = body["model"] as? String,
              let messages = body["messages"] as? [[String: Any]], !messages.isEmpty
        else {
            return DoubleResponse.json(Self.errorBody(400), status: .badRequest)
        }
        let chatRequest = ChatRequest(
            model: model,
            messages: messages.map { (($0["role"] as? String) ?? "", ($0["content"] as? String) ?? "") }
        )
        let content = fault == .invalidModelOutput
            ? #"{"proposal": "", "fit_score": 250}"#
            : responder.withLock { $0 }(chatRequest)
        let promptTokens = messages.reduce(0) { $0 + (($1["content"] as? String)?.split(separator: " ").count ?? 0) }
        let completionTokens = content.split(separator: " ").count
        let details = details.withLock { $0 }
        let cached = Int(Double(promptTokens) * details.cachedShare)
        let reasoning = min(details.reasoningTokens, completionTokens)
        let id = "chatcmpl-\(UUID().uuidString.prefix(8))"
        served.withLock {
            $0.chat.append(ServedUsage(model: model, id: id, promptTokens: promptTokens, completionTokens: completionTokens,
                                       cachedTokens: cached, reasoningTokens: reasoning))
        }
        return DoubleResponse.json([
            "id": id, "object": "chat.completion",
            "created": Int(Date().timeIntervalSince1970), "model": model,
            "choices": [["index": 0, "message": ["role": "assistant", "content": content], "finish_reason": "stop"]],
            "usage": ["prompt_tokens": promptTokens, "completion_tokens": completionTokens,
                      "total_tokens": promptTokens + completionTokens,
                      "prompt_tokens_details": ["cached_tokens": cached],
                      "completion_tokens_details": ["reasoning_tokens": reasoning]],
        ], headers: ["x-request-id": "req_\(UUID().uuidString.prefix(8))"])
    }

    private func authorize(_ request: RecordedRequest) -> Response? {
        let keys = acceptedKeys
        guard let header = request.header("Authorization"), header.hasPrefix("Bearer "),
              keys.contains(String(header.dropFirst("Bearer ".count)))
        else {
            return DoubleResponse.json([
                "error": ["message": "Incorrect API key provided: sk-****", "type": "invalid_request_error", "code": "invalid_api_key"],
            ], status: .unauthorized)
        }
        return nil
    }

    static func errorBody(_ status: Int) -> Any {
        let type = switch status {
        case 429: "rate_limit_exceeded"
        case 400: "invalid_request_error"
        default: "server_error"
        }
        return ["error": ["message": "The double failed this request on purpose.", "type": type, "code": type]]
    }

    /// The numbered lines of the prompt's `<screening_questions>` block, in order.
    public static func questions(in prompt: String) -> [String] {
        var questions: [String] = []
        if let start = prompt.range(of: "<screening_questions>"), let end = prompt.range(of: "</screening_questions>") {
            for line in prompt[start.upperBound..<end.lowerBound].split(separator: "\n") {
                if let dot = line.firstIndex(of: "."), line[..<dot].allSatisfy(\.isNumber), !line[..<dot].isEmpty {
                    questions.append(String(line[line.index(after: dot)...]).trimmingCharacters(in: .whitespaces))
                }
            }
        }
        return questions
    }

    /// A proposal JSON that passes validation, answering every numbered line of the
    /// `<screening_questions>` block of the last user message.
    public static func validProposal(for request: ChatRequest) -> String {
        let questions = questions(in: request.messages.first { $0.role == "user" }?.content ?? "")
        let object: [String: Any] = [
            "proposal": "Hello, I have built systems like this before and would plan the work in three milestones.",
            "answers": questions.map { ["question": $0, "answer": "I did this on a recent project and measured the result."] },
            "fit_score": 82,
            "fit_reasons": ["Relevant past work"],
            "key_requirements": ["Clear scope"],
            "risks": ["Timeline"],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
