import ArgumentParser
import Hummingbird
import PostgresNIO
import Crypto

@main
struct RAGWorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rag-worker")
    func run() async throws {}
}
