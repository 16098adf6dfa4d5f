import ArgumentParser
import Logging
import ServiceLifecycle
import UnixSignals

/// `rag-worker bench providers`: serves the loopback OpenAI, Cohere and webhook stand-ins of
/// ``BenchProviders`` until SIGTERM, so a benchmark can run `rag-worker serve` against providers
/// that answer after fixed delays, as real ones do, instead of the CPU-bound embedded defaults.
///
/// Point the worker at it with `OPENAI_BASE_URL=http://127.0.0.1:<port>/v1`,
/// `COHERE_BASE_URL=http://127.0.0.1:<port>` and `WEBHOOK_URL=http://127.0.0.1:<port>/webhook`
/// (any API keys); `scripts/bench/run-http` does.
struct ProvidersBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "providers",
        abstract: "Serve loopback OpenAI, Cohere and webhook stand-ins that answer after fixed delays."
    )

    @Option(help: "Port on 127.0.0.1.")
    var port = 9090

    @Option(help: "Delays in milliseconds: embed,rerank,generate.")
    var providerDelays = "50,30,200"

    func run() async throws {
        let delays = providerDelays.split(separator: ",").compactMap { Int($0) }
        guard delays.count == 3, delays.allSatisfy({ $0 >= 0 }) else {
            throw ValidationError("--provider-delays needs three non-negative numbers: embed,rerank,generate")
        }
        var logger = Logger(label: "rag-worker.bench.providers")
        logger.logLevel = .warning
        let providers = BenchProviders(delays: .init(
            embed: .milliseconds(delays[0]), rerank: .milliseconds(delays[1]), generate: .milliseconds(delays[2])))
        let app = BenchProviderServer(providers: providers, host: "127.0.0.1", port: port, logger: logger)
        try await ServiceGroup(configuration: .init(
            services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger
        )).run()
    }
}
