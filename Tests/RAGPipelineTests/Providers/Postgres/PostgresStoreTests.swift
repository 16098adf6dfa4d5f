import Foundation
import Logging
import PostgresNIO
import RAGPipeline
import Testing
import TestSupport

/// Against a real PostgreSQL 16 + pgvector started from the `pgserver` wheel.
@Suite("Postgres with pgvector", .serialized)
struct PostgresStoreTests {
    private static func withClient<T: Sendable>(_ url: String, _ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let client = PostgresClient(configuration: try PostgresURL(url).clientConfiguration, backgroundLogger: TestEnvironment.logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    private static func call() -> ProviderCall {
        .standalone(provider: .remote("postgres", "pgvector"), logger: TestEnvironment.logger)
    }

    @Test("the migrations apply once, even with two migrators at the same time, and create the documented objects")
    func migrations() async throws {
        try await withPostgresServer { server in
            try await Self.withClient(server.url) { client in
                let first = try PostgresMigrator(client: client, logger: TestEnvironment.logger)
                let second = try PostgresMigrator(client: client, logger: TestEnvironment.logger)
                async let a = first.migrate()
                async let b = second.migrate()
                let applied = try await a + b
                #expect(applied.sorted() == first.migrations.map(\.version).sorted(), "each version applied by exactly one migrator")
                #expect(try await first.migrate().isEmpty)
            }
            let objects = try await server.psql("""
                select string_agg(name, ',' order by name) from (
                  select indexname as name from pg_indexes where tablename = 'documents'
                  union all select proname from pg_proc where proname = 'match_documents'
                  union all select tablename from pg_tables where tablename in ('proposals', 'rag_schema_migrations')
                  union all select extname from pg_extension where extname = 'vector') o
                """)
            #expect(objects.trimmingCharacters(in: .whitespacesAndNewlines) ==
                    "documents_content_hash_key,documents_embedding_hnsw,documents_pkey,documents_source,match_documents,proposals,rag_schema_migrations,vector")
        }
    }

    @Test("a migrator stopped in the middle of a migration (its task cancelled, as at SIGTERM) leaves no lock behind: another instance migrates at once")
    func interruptedMigratorLeavesNoLock() async throws {
        try await withPostgresServer { server in
            try await Self.withClient(server.url) { first in
                try await Self.withClient(server.url) { second in
                    let slow = [PostgresMigrator.Migration(version: "900_slow", sql: "SELECT pg_sleep(2);")]
                    let interrupted = Task {
                        try await PostgresMigrator(client: first, logger: TestEnvironment.logger, migrations: slow).migrate()
                    }
                    // Inside the slow migration (it holds the migrators' lock), the instance stops.
                    try await Task.sleep(for: .milliseconds(700))
                    interrupted.cancel()
                    _ = await interrupted.result
                    let fast = [PostgresMigrator.Migration(version: "901_fast", sql: "SELECT 1;")]
                    let other = Task {
                        try await PostgresMigrator(client: second, logger: TestEnvironment.logger, migrations: fast).migrate()
                    }
                    let watchdog = Task {
                        try await Task.sleep(for: .seconds(15))
                        other.cancel()
                    }
                    defer { watchdog.cancel() }
                    // A session-level lock left on the first client's pooled connection would hold this
                    // one until that connection closes; a transaction-scoped lock ended with the transaction.
                    let applied = try await other.value
                    #expect(applied == ["901_fast"])
                    let locks = try await server.psql("select count(*) from pg_locks where locktype = 'advisory'")
                    #expect(locks.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
                }
            }
        }
    }

    @Test("ingest is idempotent, and retrieval returns the nearest documents in order, as match_documents does")
    func ingestAndRetrieve() async throws {
        try await withPostgresServer { server in
            try await Self.withClient(server.url) { client in
                try await PostgresMigrator(client: client, logger: TestEnvironment.logger).migrate()
                let store = PostgresVectorStore(client: client, logger: TestEnvironment.logger)
                let embedder = LexicalEmbedder()
                let ingestor = Ingestor(embedder: embedder, store: store, logger: TestEnvironment.logger)
                let first = try await ingestor.ingestSampleCorpus()
                #expect(first.inserted == first.chunks && first.chunks > 20)
                let second = try await ingestor.ingestSampleCorpus()
                #expect(second.inserted == 0 && second.unchanged == first.chunks && second.removed == 0)
                #expect(try await server.psql("select count(*) from documents").trimmingCharacters(in: .whitespacesAndNewlines) == "\(first.chunks)")
                // The documents `eval` checks its grades against: every source once, none for another model.
                let sources = try await store.documentSources(embeddingModel: embedder.identity.name, call: Self.call())
                let inventory = try await store.inventory(embeddingModel: embedder.identity.name, call: Self.call())
                #expect(sources.count == inventory.documents && sources.contains("profile.md") && sources.contains("case-studies.json#4"))
                #expect(try await store.documentSources(embeddingModel: "another-model", call: Self.call()).isEmpty)

                let query = embedder.vector(for: "SwiftUI fitness app with offline sync and HealthKit")
                let found = try await store.search(query, limit: 8, embeddingModel: embedder.identity.name, call: Self.call())
                #expect(found.count == 8)
                #expect(found.map(\.similarity) == found.map(\.similarity).sorted(by: >))
                #expect(found.first?.title.contains("SwiftUI") == true || found.first?.title.contains("offline") == true)

                // The same order as an exact scan of every stored vector.
                let vector = "[" + query.map { String($0) }.joined(separator: ",") + "]"
                let exact = try await server.psql("""
                    select string_agg(id::text, ',') from (select id from documents
                    order by embedding <=> '\(vector)'::vector limit 8) s
                    """)
                #expect(found.map(\.id).joined(separator: ",") == exact.trimmingCharacters(in: .whitespacesAndNewlines))
                let viaFunction = try await server.psql("""
                    select string_agg(id::text, ',') from match_documents('\(vector)'::vector, 8,
                    '{"embedding_model": "lexical-embedder"}'::jsonb)
                    """)
                #expect(viaFunction.trimmingCharacters(in: .whitespacesAndNewlines) == found.map(\.id).joined(separator: ","))
            }
        }
    }

    @Test("results persist to the proposals table, replaced when the job finishes again")
    func resultSink() async throws {
        try await withPostgresServer { server in
            try await Self.withClient(server.url) { client in
                try await PostgresMigrator(client: client, logger: TestEnvironment.logger).migrate()
                let sink = PostgresResultSink(client: client, logger: TestEnvironment.logger)
                var result = ProposalResult(
                    proposal: Proposal(text: "Draft", answers: [], generatedBy: "extractive-drafter"),
                    analysis: Analysis(fitScore: 70, fitReasons: [], keyRequirements: [], risks: []),
                    references: [], providers: ["generate": "extractive-drafter"])
                let call = ProviderCall.standalone(provider: sink.identity, logger: TestEnvironment.logger)
                try await sink.persist(ProposalRecord(jobID: "j1", traceID: "t1", title: "Job", result: result, createdAt: Date()), call: call)
                result.analysis.fitScore = 90
                try await sink.persist(ProposalRecord(jobID: "j1", traceID: "t2", title: "Job", result: result, createdAt: Date()), call: call)
            }
            let row = try await server.psql("select count(*), max(fit_score), max(trace_id), max(proposal->>'generated_by') from proposals")
            #expect(row.trimmingCharacters(in: .whitespacesAndNewlines) == "1|90|t2|extractive-drafter")
        }
    }
}
