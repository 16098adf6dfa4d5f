import Foundation
import Hummingbird
import Testing
import TestSupport

/// `rag-worker eval --stages all` on the real-provider path: OpenAI embeddings and chat and
/// Cohere rerank, served by the loopback doubles, whose reported usage gives tokens and cost.
@Suite("rag-worker eval with real providers")
struct EvalRealProvidersTests {
    /// Three jobs of the committed set: one with screening questions, one precise, one matching no past work.
    private static let files = ["01-rag-helpdesk.json", "03-pgvector-search.json", "34-nomatch-unity-game.json"]

    @Test("every stage runs on the doubles; tokens and cost come from their usage; fit and quality are scored")
    func realProviders() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let set = directory.file("set")
        try FileManager.default.createDirectory(atPath: set, withIntermediateDirectories: true)
        for file in Self.files {
            let source = PackagePaths.root.appendingPathComponent("fixtures/eval/jobs/\(file)")
            try FileManager.default.copyItem(atPath: source.path, toPath: set + "/" + file)
        }
        let openAI = OpenAIDouble(apiKey: "sk-eval-0123456789abcdef")
        let cohere = CohereDouble(apiKey: "cohere-eval-key")
        let router = Router()
        openAI.register(on: router)
        cohere.register(on: router)
        try await withLoopbackServer(router) { baseURL in
            let environment = [
                "RAG_DATA_DIR": directory.file("data"),
                "OPENAI_API_KEY": "sk-eval-0123456789abcdef", "OPENAI_BASE_URL": baseURL + "/v1",
                "COHERE_API_KEY": "cohere-eval-key", "COHERE_BASE_URL": baseURL,
            ]
            let ingest = try await runWorkerCommand(["ingest", "--sample"], environment: environment)
            #expect(ingest.status == 0, "\(ingest.output)")
            let chatsBefore = await openAI.chat.count
            let rerankBefore = await cohere.requests.count

            let run = try await runWorkerCommand(["eval", "--set", set, "--stages", "all", "--json"], environment: environment)
            #expect(run.status == 0, "\(run.output)")
            let lines = run.output.split(separator: "\n", omittingEmptySubsequences: false)
            let start = try #require(lines.firstIndex(of: "{"), "\(run.output)")
            let end = try #require(lines.lastIndex(of: "}"))
            let json = try #require(try JSONSerialization.jsonObject(with: Data(lines[start...end].joined(separator: "\n").utf8)) as? [String: Any])

            let providers = json["providers"] as? [String] ?? []
            #expect(providers.contains { $0.hasPrefix("embed") && $0.contains("openai") }, "\(providers)")
            #expect(providers.contains { $0.hasPrefix("rerank") && $0.contains("cohere") }, "\(providers)")
            // One chat call per job, and the rerank of the evaluation plus the pipeline's own per job.
            #expect(await openAI.chat.count - chatsBefore == Self.files.count)
            #expect(await cohere.requests.count - rerankBefore == 2 * Self.files.count)

            let jobs = json["jobs"] as? [[String: Any]] ?? []
            #expect(jobs.count == Self.files.count)
            let servedChat = openAI.chatUsage.suffix(Self.files.count)
            let servedInput = servedChat.reduce(0) { $0 + $1.promptTokens }
            let servedOutput = servedChat.reduce(0) { $0 + $1.completionTokens }
            var input = 0
            var output = 0
            for job in jobs {
                #expect((job["embedding_tokens"] as? Int ?? 0) > 0, "\(job)")
                let proposal = try #require(job["proposal"] as? [String: Any], "\(job)")
                #expect((proposal["cost_usd"] as? Double ?? 0) > 0, "\(proposal)")
                #expect(proposal["guard_blocked"] as? Bool == false)
                #expect(proposal["fit_score"] is Int)
                #expect((proposal["words"] as? Int ?? 0) > 0 && proposal["length_within_range"] is Bool, "\(proposal)")
                input += proposal["input_tokens"] as? Int ?? 0
                output += proposal["output_tokens"] as? Int ?? 0
            }
            // The job's tokens include the pipeline's embedding call besides the chat reply.
            #expect(output == servedOutput)
            #expect(input > servedInput)
            let means = json["proposal_mean"] as? [String: Double] ?? [:]
            #expect(means["fit_score_no_match"] != nil && means["fit_score_matching"] != nil, "\(means)")
            #expect(means["question_coverage"] != nil)
            #expect((means["cost_usd"] ?? 0) > 0)
        }
    }
}
