import Logging
import RAGPipeline
import ServiceLifecycle

/// Once at start-up: says how much past work retrieval can find, and warns, naming the command
/// that fills the store, when it is nothing (every draft would then cite no past work).
struct RetrievalStoreCheck: Service, CustomStringConvertible {
    let components: PipelineComponents
    let logger: Logger

    /// ServiceLifecycle names services in its log lines: keep it short.
    var description: String { "RetrievalStoreCheck" }

    func run() async throws {
        do {
            // The store's tables may not exist yet on a fresh Postgres database.
            try await components.migrate(logger: logger)
            let inventory = try await components.storeInventory(logger: logger)
            if inventory.isEmpty {
                logger.warning("""
                    the retrieval store holds no past work: proposals will cite none. Fill it with \
                    `rag-worker ingest --sample` (the bundled corpus) or `rag-worker ingest PATH…` using this configuration
                    """, metadata: ["store": "\(components.providers.vectorStore.identity.name)", "store.inventory": "\(inventory)"])
            } else {
                logger.info("retrieval store", metadata: ["store": "\(components.providers.vectorStore.identity.name)", "store.inventory": "\(inventory)"])
            }
        } catch {
            logger.warning("cannot count the past work in the retrieval store", metadata: ["error": "\(error)"])
        }
        // A service that returns early would end the group: wait for the shutdown.
        try? await gracefulShutdown()
    }
}
