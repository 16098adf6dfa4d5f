import Curl
import Foundation
import Hummingbird
import RAGPipeline
import Synchronization
import TestSupport

/// One run of the real worker process shared by the quality and cost tests: OpenAI and Cohere on
/// loopback doubles, a signed webhook receiver, CloudWatch on moto, three jobs one after the other:
///
/// - `quality-quoted`: the "model" quotes a claim from the first reference it was given;
/// - `quality-invented`: it invents a past project and answers one of two questions with `N/A`;
/// - `quality-failed`: the chat call is refused (400), so the job fails at generate.
///
/// What each job cost the doubles (their `usage`, per job) is snapshotted around each job.
struct QualityCostRun: Sendable {
    struct Job: Sendable {
        let id: String
        let traceID: String
        /// The webhook body the receiver acknowledged.
        let webhook: Data
        let chatUsage: [OpenAIDouble.ServedUsage]
        let embeddingUsage: [OpenAIDouble.ServedUsage]
        let rerankCalls: Int

        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: webhook)) as? [String: Any]) ?? [:] }
    }

    static let quotedMarker = "[quoted]"
    static let inventedMarker = "[invented]"
    static let inventedSentence = "In 2022 I built FinLedger for Revolut, which reached 80,000 users."

    let dataDirectory: String
    let environment: [String: String]
    let endpoint: String
    let namespace: String
    let logGroup: String
    let logStream: String
    let quoted: Job
    let invented: Job
    let failed: Job
    /// The sentence the "model" quoted from a reference.
    let quotedSentence: String
    let workerLog: String

    private static let state = Mutex<Task<QualityCostRun, any Error>?>(nil)

    /// The run, made once per test process.
    static func shared() async throws -> QualityCostRun {
        let task = state.withLock { task in
            if let task { return task }
            let made = Task { try await execute() }
            task = made
            return made
        }
        return try await task.value
    }

    private static func execute() async throws -> QualityCostRun {
        let moto = try await MotoServer.shared()
        let id = UUID().uuidString.prefix(8).lowercased()
        let openAI = OpenAIDouble(apiKey: "sk-quality-\(id)-0123456789")
        // Half of each prompt from the cache, a few reasoning tokens: the prices of both are exercised.
        openAI.setUsageDetails(.init(cachedShare: 0.5, reasoningTokens: 3))
        let quoted = Quoted()
        openAI.setChatResponder { request in Self.reply(to: request, quoted: quoted) }
        let cohere = CohereDouble(apiKey: "cohere-quality-\(id)")
        let providers = Router()
        openAI.register(on: providers)
        cohere.register(on: providers)
        let receiver = WebhookReceiver(secret: "whsec-quality-\(id)-0123456789abcdef")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quality-cost-\(id)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)

        return try await withLoopbackServer(providers) { providersURL in
            try await withLoopbackServer(receiver.router()) { webhookURL in
                let endpoint = "quality-\(id)"
                let namespace = "RAGWorkerQuality\(id)"
                let environment = moto.environment.merging([
                    "OPENAI_API_KEY": "sk-quality-\(id)-0123456789", "OPENAI_BASE_URL": providersURL + "/v1",
                    "COHERE_API_KEY": "cohere-quality-\(id)", "COHERE_BASE_URL": providersURL,
                    "WEBHOOK_URL": webhookURL + "/webhook", "WEBHOOK_SECRET": receiver.secret,
                    "RAG_CONCURRENCY": "1", "RAG_DATA_DIR": directory,
                    "RAG_CLOUDWATCH": "on", "RAG_ENDPOINT_NAME": endpoint, "RAG_METRICS_NAMESPACE": namespace,
                    "RAG_LOG_GROUP": "/rag-worker/\(endpoint)", "RAG_LOG_STREAM": "host/\(id)", "RAG_LOGS_FLUSH_SECONDS": "0.2",
                ]) { $1 }
                let ingest = try await runWorkerCommand(["ingest", "--sample"], environment: environment)
                guard ingest.status == 0 else { throw WorkerProcessError(message: "ingest failed: \(ingest.output)") }

                let worker = try await WorkerProcess.start(dataDirectory: directory, environment: environment)
                let http = CurlHTTPClient()
                defer { http.shutdown() }
                let client = Client(baseURL: worker.baseURL, http: http)
                func run(_ jobID: String, title: String, questions: [String], before: () async -> Void = {}) async throws -> Job {
                    await before()
                    let chat = openAI.chatUsage.count
                    let embeddings = openAI.embeddingUsage.count
                    let reranks = await cohere.requests.requests.count
                    let traceID = try await client.post(jobID, title: title, questions: questions)
                    _ = try await client.waitForJob(jobID, timeout: .seconds(60)) { ["succeeded", "failed"].contains($0["status"] as? String) }
                    let webhook = try await Self.delivery(of: jobID, receiver)
                    return Job(
                        id: jobID, traceID: traceID, webhook: webhook, chatUsage: Array(openAI.chatUsage.dropFirst(chat)),
                        embeddingUsage: Array(openAI.embeddingUsage.dropFirst(embeddings)),
                        rerankCalls: await cohere.requests.requests.count - reranks)
                }
                let questions = ["Describe a RAG system you built and how you evaluated it.", "When could you start?"]
                let quotedJob = try await run("quality-quoted", title: "\(Self.quotedMarker) RAG chatbot over our help center", questions: questions)
                let inventedJob = try await run("quality-invented", title: "\(Self.inventedMarker) RAG chatbot over our help center", questions: questions)
                let failedJob = try await run("quality-failed", title: "RAG chatbot over our help center", questions: questions) {
                    await openAI.chatFaults.enqueue(.status(400), times: 5)
                }
                let status = try await worker.terminate()
                guard status == 0 else { throw WorkerProcessError(message: "worker exited \(status): \(worker.log)") }
                guard let sentence = quoted.sentence.withLock({ $0 }) else { throw WorkerProcessError(message: "no reference sentence was quoted") }
                return QualityCostRun(
                    dataDirectory: directory, environment: environment, endpoint: endpoint, namespace: namespace,
                    logGroup: "/rag-worker/\(endpoint)", logStream: "host/\(id)", quoted: quotedJob, invented: inventedJob,
                    failed: failedJob, quotedSentence: sentence, workerLog: worker.log)
            }
        }
    }

    /// The "model": a proposal quoting the first claim of the references, or one inventing a
    /// project and leaving a question unanswered, by the marker in the posting's title.
    private static func reply(to request: OpenAIDouble.ChatRequest, quoted: Quoted) -> String {
        let prompt = request.messages.first { $0.role == "user" }?.content ?? ""
        let questions = OpenAIDouble.questions(in: prompt)
        var proposal: String
        var answers = questions.map { ["question": $0, "answer": "I can walk you through the approach on a short call."] }
        if prompt.contains(inventedMarker) {
            proposal = inventedSentence + " I would start with a short discovery call and a written plan."
            if !answers.isEmpty { answers[0]["answer"] = "N/A" }
        } else {
            let pastWork = prompt.components(separatedBy: "<past_work").dropFirst().compactMap { block -> String? in
                guard let start = block.firstIndex(of: ">"), let end = block.range(of: "</past_work>") else { return nil }
                return String(block[block.index(after: start)..<end.lowerBound])
            }
            let claim = pastWork.lazy.flatMap { ProposalText.sentences($0) }.first { ClaimExtractor.claim(in: $0) != nil }
            quoted.sentence.withLock { $0 = claim }
            proposal = (claim ?? "") + " I would start with a short discovery call and a written plan."
        }
        let object: [String: Any] = [
            "proposal": proposal, "answers": answers, "fit_score": 80, "fit_reasons": ["Relevant past work"],
            "key_requirements": ["Cited answers"], "risks": ["Scope"],
        ]
        return String(decoding: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
    }

    /// The acknowledged webhook body of `jobID`, waiting for it up to 30 s.
    private static func delivery(of jobID: String, _ receiver: WebhookReceiver) async throws -> Data {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let delivery = await receiver.acknowledged.first(where: { $0.jobID == jobID }) { return delivery.body }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw WorkerProcessError(message: "no webhook for \(jobID)")
    }

    /// The sentence the "model" quoted, set by the responder.
    private final class Quoted: Sendable {
        let sentence = Mutex<String?>(nil)
    }

    private struct Client: WorkerAPIClient {
        let baseURL: String
        let http: CurlHTTPClient

        /// Posts the job; returns its trace id.
        func post(_ id: String, title: String, questions: [String]) async throws -> String {
            let job: [String: Any] = [
                "job_id": id, "title": title, "skills": ["LLM", "RAG", "OpenAI API", "PostgreSQL", "pgvector"],
                "description": "Our support team answers the same questions every day. We need a chatbot that answers customers "
                    + "from our help center with cited sources, on OpenAI and Postgres with pgvector.",
                "questions": questions,
            ]
            let body = String(decoding: try JSONSerialization.data(withJSONObject: job), as: UTF8.self)
            let response = try await postJob(body)
            guard response.status == 202, let traceID = response.json["trace_id"] as? String else {
                throw WorkerProcessError(message: "job \(id) was not accepted: \(response.status)")
            }
            return traceID
        }
    }
}
