import AWS
import Foundation
import Testing
import TestSupport
@testable import Telemetry
@testable import WorkerTestSupport

/// The operator's commands against what a worker exported to CloudWatch (moto, authentication
/// on): on SageMaker the ring buffer is out of reach, so `postmortem` and `report` must read the
/// endpoint's log group and metrics, and must refuse to guess which endpoint is meant.
@Suite("Operator commands on CloudWatch", .serialized)
struct OperatorCommandsCloudWatchTests {
    @Test("postmortem --source cloudwatch shows a failed job's timeline from the log group; report needs and uses --endpoint")
    func postmortemAndReportFromCloudWatch() async throws {
        let moto = try await MotoServer.shared()
        let id = UUID().uuidString.prefix(8).lowercased()
        let endpoint = "ops-\(id)"
        let namespace = "RAGWorkerOps\(id)"
        // The reads below need every metric and event the worker recorded: its last flushes get 10 s,
        // not the production 3 s that a loaded test machine can overrun.
        let environment = ["RAG_CLOUDWATCH": "on", "RAG_ENDPOINT_NAME": endpoint, "RAG_LOG_STREAM": "host/\(id)",
                           "RAG_METRICS_NAMESPACE": namespace, "RAG_METRICS_INTERVAL_SECONDS": "1", "RAG_TELEMETRY_SHUTDOWN_SECONDS": "10"]
        try await withTemporaryDirectory { directory in
            let client = moto.client()
            try await InProcessWorker.withTelemetry(
                dataDirectory: directory.path, environment: environment,
                destinations: CloudWatchDestinations(logs: AWSLogEventsSink(client: client), metrics: AWSMetricDataSink(client: client)),
                pipeline: ScriptedPipeline.init
            ) { worker in
                for job in ["ok-0", "fail-1"] { _ = try await worker.accept(job) }
                for job in ["ok-0", "fail-1"] { _ = try await worker.waitUntilFinished(job) }
            }
            // An operator's machine: AWS credentials and region, nothing of the worker's environment.
            let operatorEnvironment = moto.environment

            // The default log group is the one SageMaker (and the stack) give the endpoint.
            let text = try await runWorker(["postmortem", "--source", "cloudwatch", "--endpoint", endpoint, "--job", "fail-1"],
                                           environment: operatorEnvironment)
            #expect(text.status == 0, "\(text.output)")
            #expect(text.output.contains("/aws/sagemaker/Endpoints/\(endpoint)"))
            #expect(text.output.contains("went wrong in generate"), "\(text.output)")
            let json = try await runWorker(["postmortem", "--source", "cloudwatch", "--endpoint", endpoint, "--job", "fail-1", "--json"],
                                           environment: operatorEnvironment, stdoutOnly: true)
            let timeline = try JSONDecoder().decode(JobTimeline.self, from: Data(json.output.utf8))
            #expect(timeline.jobID == "fail-1")
            #expect(timeline.run?.errorCode == "provider_unavailable")
            #expect(timeline.entries.map(\.name).starts(with: ["rag.validate", "rag.job", "rag.embed"]), "\(timeline.entries.map(\.name))")
            let missing = try await runWorker(["postmortem", "--source", "cloudwatch", "--endpoint", endpoint, "--job", "never-posted"],
                                              environment: operatorEnvironment)
            #expect(missing.status != 0 && missing.output.contains("has no spans or logs for never-posted"))

            let unnamed = try await runWorker(["report", "--source", "cloudwatch"], environment: operatorEnvironment)
            #expect(unnamed.status != 0)
            #expect(unnamed.output.contains("--source cloudwatch needs --endpoint"), "\(unnamed.output)")
            let report = try await runWorker(["report", "--source", "cloudwatch", "--endpoint", endpoint, "--namespace", namespace, "--since", "1h"],
                                             environment: operatorEnvironment)
            #expect(report.status == 0, "\(report.output)")
            #expect(report.output.contains("| Jobs finished | 2 |"), "\(report.output)")
            #expect(report.output.contains("EndpointName") == false || report.output.contains(endpoint))
        }
    }

    /// Runs the built `rag-worker` with exactly `environment` (plus PATH and HOME).
    private func runWorker(_ arguments: [String], environment: [String: String], stdoutOnly: Bool = false) async throws -> (status: Int32, output: String) {
        let base = ProcessInfo.processInfo.environment.filter { ["PATH", "HOME", "TMPDIR"].contains($0.key) }
        let result = try await runChildProcess(
            PackagePaths.executable("rag-worker"), arguments: arguments, environment: base.merging(environment) { $1 },
            separateStandardError: stdoutOnly)
        return (result.status, result.output)
    }
}
