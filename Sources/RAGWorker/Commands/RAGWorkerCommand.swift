import ArgumentParser

/// `rag-worker`: the service and its operator commands.
@main
struct RAGWorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rag-worker",
        abstract: "Drafts Upwork proposals with retrieval-augmented generation; runs as a SageMaker container.",
        subcommands: [
            ServeCommand.self,
            DemoCommand.self,
            OutboxCommand.self,
            ConfigCommand.self,
            InvokeCommand.self,
            IngestCommand.self,
            EvalCommand.self,
            PostmortemCommand.self,
            ReportCommand.self,
            SLOCommand.self,
            BenchCommand.self,
            CapacityCommand.self,
        ]
    )
}
