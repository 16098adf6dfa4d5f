import Testing

@testable import RAGWorker

/// `RAG_MAX_INSTANCES` and the fleet heartbeat: more than one instance on SQLite is a warning at
/// start-up in production, because instances added by scaling cannot take any of the work.
@Suite("Configuration of the fleet")
struct FleetConfigTests {
    static let production = [
        "RAG_PROFILE": "production", "RAG_PLATFORM": "sagemaker", "OPENAI_API_KEY": "sk-x", "COHERE_API_KEY": "co-x",
        "WEBHOOK_URL": "https://n8n.example/webhook/x", "WEBHOOK_SECRET": "whsec-0123456789abcdef0123456789abcdef",
        "SUPABASE_URL": "https://project.supabase.co", "SUPABASE_KEY": "sb-x",
    ]

    static func scalingWarnings(_ config: Config) -> [String] {
        config.warnings.filter { $0.contains("RAG_MAX_INSTANCES") }
    }

    @Test("production on SQLite with more than one instance possible warns, naming RAG_MAX_INSTANCES and DATABASE_URL")
    func sqliteWithSeveralInstancesWarns() throws {
        let config = try Config.load(environment: Self.production.merging(["RAG_MAX_INSTANCES": "6"]) { $1 })
        let warnings = Self.scalingWarnings(config)
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("RAG_MAX_INSTANCES=6 without DATABASE_URL") == true)
        // `serve` logs every warning at start-up and `rag-worker config` prints them.
        #expect(config.summary.contains("RAG_MAX_INSTANCES=6 without DATABASE_URL"))
    }

    @Test("no warning with a shared store, with one instance, or outside production", arguments: [
        ["RAG_MAX_INSTANCES": "6", "DATABASE_URL": "postgres://u:p@db.example:5432/rag"],
        ["RAG_MAX_INSTANCES": "1"],
        [:],
        ["RAG_MAX_INSTANCES": "6", "RAG_PROFILE": "local"],
    ])
    func noWarning(extra: [String: String]) throws {
        let config = try Config.load(environment: Self.production.merging(extra) { $1 })
        #expect(Self.scalingWarnings(config).isEmpty)
    }

    @Test("defaults: one instance, a heartbeat every 15 s; bad values are refused")
    func defaultsAndBounds() throws {
        let config = try Config.load(environment: [:])
        #expect(config.maxInstances == 1)
        #expect(config.fleetHeartbeat == .seconds(15))
        #expect(throws: ConfigError.self) { try Config.load(environment: ["RAG_MAX_INSTANCES": "0"]) }
        #expect(throws: ConfigError.self) { try Config.load(environment: ["RAG_FLEET_HEARTBEAT_SECONDS": "-1"]) }
    }
}
