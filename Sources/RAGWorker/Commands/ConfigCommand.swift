import ArgumentParser
import Curl
import Foundation
import Logging
import RAGPipeline

/// `rag-worker config`: the effective configuration, secrets redacted, which provider serves
/// each stage, and how much past work retrieval can find in the configured store.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Print the effective configuration (secrets redacted), the provider of each stage and the store's document count."
    )

    func run() async throws {
        let httpClient = CurlHTTPClient()
        defer { httpClient.shutdown() }
        let (config, _) = try await loadConfigOrExit(httpClient: httpClient)
        print(config.summary)
        print("")
        print("retrieval store    \(await Self.storeLine(config, httpClient: httpClient))")
    }

    /// The store's inventory, or why it could not be read; never creates an embedded store.
    static func storeLine(_ config: Config, httpClient: CurlHTTPClient) async -> String {
        let settings = config.pipelineSettings()
        if case .sqlite(let path) = ProviderSelection(settings: settings).store, !FileManager.default.fileExists(atPath: path) {
            return "empty: no \(path) yet. Fill it with `rag-worker ingest --sample` (the bundled corpus) or `rag-worker ingest PATH…`"
        }
        let logger = {
            var logger = Logger(label: "rag-worker.config")
            logger.logLevel = .critical
            return logger
        }()
        do {
            let inventory = try await PipelineFactory.withComponents(settings: settings, httpClient: httpClient, logger: logger) { components in
                try await components.storeInventory(timeout: .seconds(5), logger: logger)
            }
            return inventory.isEmpty
                ? "\(inventory). Nothing to retrieve: run `rag-worker ingest` with this configuration"
                : "\(inventory)"
        } catch {
            return "cannot be read: \(error)"
        }
    }
}
