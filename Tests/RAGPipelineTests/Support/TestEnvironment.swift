import Foundation
import Logging
import RAGPipeline
import Telemetry

/// Helpers shared by the pipeline tests.
enum TestEnvironment {
    static var logger: Logger {
        var logger = Logger(label: "rag-pipeline-tests")
        logger.logLevel = .critical
        return logger
    }

    /// The package root (fixtures live under it).
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    /// A new empty directory, removed after `body`.
    static func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rag-pipeline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: url) }
        return try await body(url)
    }

    /// A sample job from `fixtures/jobs/<name>.json`.
    static func fixtureJob(_ name: String) throws -> JobRequest {
        let data = try Data(contentsOf: packageRoot.appendingPathComponent("fixtures/jobs/\(name).json"))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CocoaError(.fileReadCorruptFile)
        }
        var job = JobRequest(
            jobID: object["job_id"] as? String ?? name,
            title: object["title"] as? String ?? "",
            description: object["description"] as? String ?? "",
            skills: object["skills"] as? [String] ?? [],
            url: object["url"] as? String,
            questions: object["questions"] as? [String] ?? []
        )
        if let budget = object["budget"] as? [String: Any], let type = (budget["type"] as? String).flatMap(JobRequest.Budget.Kind.init) {
            job.budget = .init(type: type, min: budget["min"] as? Double, max: budget["max"] as? Double, currency: budget["currency"] as? String)
        }
        if let client = object["client"] as? [String: Any] {
            job.client = .init(country: client["country"] as? String, rating: client["rating"] as? Double,
                               totalSpent: client["total_spent"] as? Double, hires: client["hires"] as? Int)
        }
        return job
    }

    static func job(
        id: String = "job-1",
        title: String = "Build a RAG chatbot with OpenAI and pgvector",
        description: String = "We need a support chatbot that answers from our help center articles using retrieval-augmented generation, Postgres with pgvector and OpenAI. It must cite sources and hand over to a human when unsure.",
        skills: [String] = ["RAG", "OpenAI API", "pgvector"],
        questions: [String] = ["Describe a RAG system you built."]
    ) -> JobRequest {
        JobRequest(jobID: id, title: title, description: description, skills: skills, questions: questions)
    }
}

/// Collects the stage timings a pipeline reports through `JobContext.recordStage`.
actor StageLog {
    private(set) var timings: [StageTiming] = []

    func record(_ timing: StageTiming) {
        timings.append(timing)
    }

    func timing(_ stage: PipelineStage) -> StageTiming? {
        timings.last { $0.stage == stage }
    }

    /// A job context with `deadline` from now that records into this log.
    nonisolated func context(jobID: String = "job-1", deadline: Duration = .seconds(110)) -> JobContext {
        JobContext(jobID: jobID, traceID: "trace-\(jobID)", deadline: .now + deadline, logger: TestEnvironment.logger) { timing in
            await self.record(timing)
        }
    }
}
