import ArgumentParser
import Curl
import Foundation

/// `rag-worker config`: the effective configuration, secrets redacted, and which provider
/// serves each stage.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Print the effective configuration (secrets redacted) and the provider of each stage."
    )

    func run() async throws {
        let httpClient = CurlHTTPClient()
        defer { httpClient.shutdown() }
        let (config, _) = try await loadConfigOrExit(httpClient: httpClient)
        print(config.summary)
    }
}
