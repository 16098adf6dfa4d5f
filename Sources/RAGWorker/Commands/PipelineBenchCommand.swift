import Curl
import ArgumentParser
import Foundation
import Logging
import RAGPipeline
import Metrics
import SQLite
import Tracing

/// `rag-worker bench pipeline`: measures the pipeline's hot paths in a temporary directory.
///
/// - ingest: N synthetic chunks (built from the bundled corpus) through ``Ingestor`` with the
///   lexical embedder into the SQLite store (hash check, embedding, insert), in chunks per second;
/// - retrieval: exact cosine search over those N vectors (1,536 dimensions), per query, after
///   one cold query that loads the matrix;
/// - pipeline: whole jobs on embedded defaults against that store;
/// - quality: the quality signals of one job (350-word proposal, 10 references), per job
///   (``QualityBench``; the budget is 1 ms at p99);
/// - worker: the worker's own overhead per job with OpenAI and Cohere on loopback answering
///   after fixed delays, `--in-flight` jobs at a time (``WorkerOverheadBench``).
///
/// Build with `-c release`; docs/performance.md records the figures.
struct PipelineBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Benchmark ingestion, SQLite retrieval and the embedded pipeline."
    )

    @Option(help: "Chunks to ingest.")
    var chunks = 10_000

    @Option(help: "Retrieval queries to time.")
    var queries = 200

    @Option(help: "Whole jobs to run on embedded defaults.")
    var jobs = 50

    @Option(help: "Vector width.")
    var dimensions = 1_536

    @Option(help: "Jobs through the whole worker for the overhead benchmark (0 skips it).")
    var workerJobs = 400

    @Option(help: "Jobs in flight in the overhead benchmark.")
    var inFlight = 8

    @Option(help: "Provider delays in milliseconds for the overhead benchmark: embed,rerank,generate.")
    var providerDelays = "50,30,200"

    @Option(help: "Quality computations to time (350-word proposal, 10 references).")
    var qualityIterations = 5_000

    @Flag(help: "Only the worker overhead benchmark.")
    var workerOnly = false

    @Flag(help: "Only the quality computation benchmark.")
    var qualityOnly = false

    func run() async throws {
        if !workerOnly { try runQuality() }
        if qualityOnly { return }
        if !workerOnly { try await runStores() }
        if workerJobs > 0 { try await runWorker() }
    }

    private func runQuality() throws {
        let result = try QualityBench(iterations: qualityIterations).run()
        let groundedness = result.assessment.groundedness
        print("## Quality signals per job (\(qualityIterations) runs)\n")
        print("| measure | result |")
        print("|---|---|")
        print("| input | \(result.words)-word proposal, 2 answers, 10 references of \(result.referenceCharacters.min() ?? 0)–\(result.referenceCharacters.max() ?? 0) characters; \(groundedness.claims) claims, \(groundedness.supported) supported |")
        print("| quality computation per job (index references + assess), wall clock | \(summary(result.micros)) µs |")
        print("| the same, CPU time (excludes the time other processes had the core) | \(summary(result.cpuMicros)) µs |")
        print("| of which: index the 10 references | \(summary(result.indexing)) µs |\n")
    }

    private func runWorker() async throws {
        let delays = providerDelays.split(separator: ",").compactMap { Int($0) }
        guard delays.count == 3 else { throw ValidationError("--provider-delays needs three numbers: embed,rerank,generate") }
        let logger = {
            var logger = Logger(label: "rag-worker.bench")
            logger.logLevel = .error
            return logger
        }()
        let bench = WorkerOverheadBench(jobs: workerJobs, inFlight: inFlight, delays: .init(
            embed: .milliseconds(delays[0]), rerank: .milliseconds(delays[1]), generate: .milliseconds(delays[2])))
        let result = try await bench.run(logger: logger)
        print("\n## Worker overhead (\(workerJobs) jobs, \(inFlight) in flight, providers answer after \(providerDelays) ms)\n")
        print("| measure | result |")
        print("|---|---|")
        print("| worker overhead per job (POST to webhook arrival, minus provider time) | \(summary(result.overheads)) ms |")
        print("| end to end per job | \(summary(result.endToEnd)) ms |")
        print("| provider time per job (stand-ins: last byte read to answer written) | \(summary(result.providerTimes)) ms |")
        print("| of the overhead: stages minus provider time | \(summary(result.stageOverheads)) ms |")
        for (stage, values) in result.stageOverheadsByStage {
            print("| of the overhead: \(stage) (stage time minus its provider's) | \(summary(values)) ms |")
        }
        print("| of the overhead: accepted to claimed | \(summary(result.queueWaits)) ms |")
        print("| of the overhead: finished to webhook acknowledged | \(summary(result.deliveryTimes)) ms |")
        print("| mean per stage (provider delays included) | \(result.stageMeans.map { "\($0.0) \(format($0.1))" }.joined(separator: ", ")) ms |")
        print("| throughput | \(format(Double(workerJobs) / result.seconds)) jobs/s |")
        if let steal = result.stealPercent {
            print("| CPU stolen by the hypervisor during the run | \(format(steal)) % |")
        }
    }

    private func runStores() async throws {
        let logger = {
            var logger = Logger(label: "rag-worker.bench")
            logger.logLevel = .error
            return logger
        }()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rag-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let corpus = try SyntheticCorpus()
        let database = try SQLiteDatabase(path: directory.appendingPathComponent("pipeline.sqlite").path)
        let store = try await SQLiteVectorStore(database: database)
        let embedder = LexicalEmbedder(dimensions: dimensions)
        let synthetic = corpus.chunks(count: chunks)

        let ingestStart = ContinuousClock.now
        let report = try await Ingestor(embedder: embedder, store: store, logger: logger).ingest(chunks: synthetic)
        let ingestSeconds = (ContinuousClock.now - ingestStart).seconds
        print("## Pipeline benchmark (\(chunks) chunks, \(dimensions) dimensions)\n")
        print("| measure | result |")
        print("|---|---|")
        print("| ingest, lexical embedder → SQLite | \(report.inserted) chunks in \(format(ingestSeconds)) s = **\(Int(Double(report.inserted) / ingestSeconds)) chunks/s** |")

        let queryVectors = corpus.queries(count: queries).map { embedder.vector(for: $0) }
        let call = ProviderCall.standalone(provider: store.identity, logger: logger)
        let coldStart = ContinuousClock.now
        _ = try await store.search(queryVectors[0], limit: 20, embeddingModel: embedder.identity.name, call: call)
        let cold = (ContinuousClock.now - coldStart).seconds * 1000
        var latencies: [Double] = []
        for vector in queryVectors {
            let started = ContinuousClock.now
            let found = try await store.search(vector, limit: 20, embeddingModel: embedder.identity.name, call: call)
            latencies.append((ContinuousClock.now - started).seconds * 1000)
            precondition(found.count == 20)
        }
        print("| retrieval, exact cosine top 20 over \(chunks) vectors (\(queries) queries) | \(summary(latencies)) ms; first (cold, loads the matrix) \(format(cold)) ms |")

        let sink = try await SQLiteResultSink(database: database)
        let pipeline = ProposalPipeline(
            providers: .init(embedder: embedder, vectorStore: store, reranker: LexicalReranker(), generator: ExtractiveDrafter(), resultSink: sink),
            outputGuard: OutputGuard(secretValues: { ["sk-bench-secret-value-0000"] }), tracer: NoOpTracer(), metrics: NOOPMetricsHandler.instance)
        var jobTimes: [Double] = []
        for (index, text) in corpus.queries(count: jobs).enumerated() {
            let job = JobRequest(jobID: "bench-\(index)", title: String(text.prefix(80)), description: text,
                                 skills: ["Swift", "AWS", "Python"], questions: ["Describe similar work."])
            let context = JobContext(jobID: job.jobID, traceID: "bench", deadline: .now + .seconds(110), logger: logger) { _ in }
            let started = ContinuousClock.now
            _ = try await pipeline.run(job, context: context)
            jobTimes.append((ContinuousClock.now - started).seconds * 1000)
        }
        print("| whole job on embedded defaults (\(jobs) jobs, store of \(chunks) chunks) | \(summary(jobTimes)) ms |")
    }

    private func summary(_ values: [Double]) -> String {
        let sorted = values.sorted()
        func percentile(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.up)) - 1)] }
        return "p50 \(format(percentile(0.5))), p95 \(format(percentile(0.95))), p99 \(format(percentile(0.99))), max \(format(sorted.last ?? 0))"
    }

    private func format(_ value: Double) -> String {
        String(format: value < 10 ? "%.2f" : "%.1f", value)
    }
}

/// Chunks and queries assembled from the sentences of the bundled corpus, deterministically.
private struct SyntheticCorpus {
    private let sentences: [String]

    init() throws {
        let documents = try DocumentLoader.load(paths: [PipelineResources.sampleCorpus.path])
        sentences = documents.flatMap { document in
            document.text.split(whereSeparator: { $0 == "." || $0 == "\n" })
                .map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { $0.count > 30 }
        }
    }

    /// `count` chunks of 5–9 sentences (~600–1,000 characters), ten per source document.
    func chunks(count: Int) -> [DocumentChunk] {
        var random = SplitMix(seed: 7)
        return (0..<count).map { index in
            let length = 5 + Int(random.next() % 5)
            let text = (0..<length).map { _ in sentences[Int(random.next() % UInt64(sentences.count))] }.joined(separator: ". ")
            return DocumentChunk(title: "Bench document \(index / 10)", source: "bench/doc-\(index / 10).md",
                                 index: index % 10, content: "\(text). (chunk \(index))")
        }
    }

    /// `count` job-like texts of 3–5 sentences.
    func queries(count: Int) -> [String] {
        var random = SplitMix(seed: 99)
        return (0..<count).map { _ in
            (0..<(3 + Int(random.next() % 3))).map { _ in sentences[Int(random.next() % UInt64(sentences.count))] }.joined(separator: ". ")
        }
    }
}

private struct SplitMix {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
