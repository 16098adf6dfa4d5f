import Curl
import Foundation
import Logging
import Telemetry

/// Proposals from OpenAI's `POST /chat/completions` with structured output.
///
/// Sends the system prompt and the delimited job (``PromptLibrary``) with
/// `response_format: {type: "json_schema", json_schema: {name, strict: true, schema}}`,
/// validates the reply (``DraftValidator``) and, when it is invalid, makes one repair attempt
/// that shows the model its reply and the problems. The schema of each request asks for exactly
/// as many `answers` as the posting has screening questions.
///
/// Deliver rather than drop: when, after the repair, the proposal is usable but the answers
/// still do not line up with the questions (missing, extra, out of order), the draft is
/// delivered with the answers that could be matched (``AnswerMatcher``), the others marked
/// unanswered, and a `degraded` entry saying so. Only a proposal that is itself unusable after
/// the repair fails, with `.invalidOutput`. Transient failures of either request are retried by
/// ``ProviderCall``.
public struct OpenAIGenerator: Generator {
    public let identity: ProviderIdentity
    private let baseURL: String
    private let model: String
    private let prompts: PromptLibrary
    private let temperature: Double?
    private let maxOutputTokens: Int?
    private let http: ProviderHTTP
    /// Nil only if the schema could not be encoded, which fails every request with `.rejected`.
    private let requestEncoder: OpenAIWire.ChatRequestEncoder?

    /// - Parameters:
    ///   - baseURL: e.g. `https://api.openai.com/v1` (`OPENAI_BASE_URL`).
    ///   - model: e.g. `gpt-4o-mini` (`OPENAI_MODEL`).
    ///   - temperature: sent only when set (some models accept only their default).
    ///   - maxOutputTokens: `max_completion_tokens`, sent only when set.
    public init(
        baseURL: String, model: String, apiKey: APIKeyProvider, client: any HTTPClient,
        prompts: PromptLibrary, temperature: Double? = nil, maxOutputTokens: Int? = nil
    ) {
        let identity = ProviderIdentity.remote("openai", model, model: model)
        self.identity = identity
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.model = model
        self.prompts = prompts
        self.temperature = temperature
        self.maxOutputTokens = maxOutputTokens
        self.http = ProviderHTTP(client: client, provider: identity, key: apiKey, placement: .bearer)
        self.requestEncoder = try? OpenAIWire.ChatRequestEncoder(name: "proposal_draft", strict: true, schema: prompts.schema)
    }

    public func generate(_ request: GenerationRequest, call: ProviderCall) async throws -> GeneratedDraft {
        let job = request.job
        let messages: [OpenAIWire.ChatMessage] = [.system(prompts.system), .user(prompts.userMessage(for: request))]
        let first = try await complete(messages, answers: job.questions.count, call: call)
        let firstOutcome = DraftValidator.validate(first.content, job: job, generatedBy: identity.name)
        let problems: [String]
        switch firstOutcome {
        case .valid(let proposal, let analysis):
            return GeneratedDraft(proposal: proposal, analysis: analysis, usage: first.usage)
        case .answersMismatched(_, _, let matching):
            problems = matching.problems
        case .invalid(let found):
            problems = found
        }
        call.logger.warning("model output invalid, asking for a repair", metadata: [
            "provider": "\(identity.name)", "problems": "\(problems.joined(separator: "; "))",
        ])
        let repair = messages + [.assistant(first.content ?? ""), .user(prompts.repairMessage(problems: problems))]
        let second = try await complete(repair, answers: job.questions.count, call: call)
        let usage = first.usage + second.usage
        switch (DraftValidator.validate(second.content, job: job, generatedBy: identity.name), firstOutcome) {
        case (.valid(let proposal, let analysis), _):
            return GeneratedDraft(proposal: proposal, analysis: analysis, usage: usage, repaired: true)
        case (.answersMismatched(let proposal, let analysis, let matching), _):
            return GeneratedDraft(proposal: proposal, analysis: analysis, usage: usage, repaired: true,
                                  degraded: [answersNote(matching, questions: job.questions.count)])
        case (.invalid, .answersMismatched(let proposal, let analysis, let matching)):
            // The repair broke the proposal itself: the first reply's proposal was usable.
            return GeneratedDraft(proposal: proposal, analysis: analysis, usage: usage,
                                  degraded: [answersNote(matching, questions: job.questions.count)])
        case (.invalid(let problems), _):
            throw ProviderError(
                kind: .invalidOutput, provider: identity.name, status: 200,
                message: "the reply did not match the proposal schema after one repair attempt: \(problems.prefix(3).joined(separator: "; "))"
            )
        }
    }

    /// The `degraded` entry of a draft delivered with answers that did not line up.
    private func answersNote(_ matching: AnswerMatcher.Matching, questions: Int) -> String {
        var what: [String] = []
        if matching.unanswered > 0 { what.append("\(matching.unanswered) of \(questions) screening question\(questions == 1 ? "" : "s") left unanswered (marked answered: false)") }
        if matching.dropped > 0 { what.append("\(matching.dropped) answer\(matching.dropped == 1 ? "" : "s") matching no question dropped") }
        if matching.reordered { what.append("answers out of order, matched to their questions by text") }
        if what.isEmpty { what.append("answers did not follow the schema") }
        return "generate: \(identity.name)'s answers did not line up with the screening questions after one repair attempt; "
            + "the proposal was delivered with the answers that matched: " + what.joined(separator: "; ")
    }

    private struct Completion: Sendable {
        var content: String?
        var usage: TokenUsage
    }

    /// One chat completion whose schema asks for exactly `answers` screening answers.
    private func complete(_ messages: [OpenAIWire.ChatMessage], answers: Int, call: ProviderCall) async throws -> Completion {
        let request = OpenAIWire.ChatRequest(
            model: model, messages: messages, temperature: temperature, max_completion_tokens: maxOutputTokens)
        guard let body = try? requestEncoder?.encode(request, answers: answers) else {
            throw ProviderError(kind: .rejected, provider: identity.name, message: "the request could not be encoded as JSON")
        }
        call.capture.prompt(stage: call.stage, provider: identity.name, messages: messages.map { ($0.role, $0.content) })
        return try await call.run(timeLimit: .byOperation) { [http, baseURL] timeout in
            let response = try await http.send(.post, url: baseURL + "/chat/completions", body: body, timeout: timeout)
            let decoded = try http.decode(OpenAIWire.ChatResponse.self, from: response)
            guard let choice = decoded.choices.first else {
                throw ProviderError(kind: .malformedResponse, provider: http.provider.name, status: response.status, message: "no choices in the reply")
            }
            call.capture.reply(stage: call.stage, provider: http.provider.name, status: response.status,
                               content: choice.message.content ?? choice.message.refusal)
            let usage = TokenUsage(
                inputTokens: decoded.usage?.prompt_tokens ?? 0, outputTokens: decoded.usage?.completion_tokens ?? 0,
                cachedInputTokens: decoded.usage?.prompt_tokens_details?.cached_tokens ?? 0,
                reasoningTokens: decoded.usage?.completion_tokens_details?.reasoning_tokens ?? 0,
                responseModel: decoded.model, responseID: decoded.id)
            // Recorded here, per answered request, so a reply that then fails validation is still counted.
            call.recordUsage(usage)
            // A refusal or a reply cut at the token limit is invalid output: the repair attempt handles it.
            let content = choice.message.refusal == nil && choice.finish_reason != "length" ? choice.message.content : nil
            return Completion(content: content, usage: usage)
        }
    }
}
