import ArgumentParser
import Foundation
import Telemetry

/// Which deployed endpoint an operator command reads from CloudWatch, shared by `report` and
/// `postmortem` with `--source cloudwatch`.
///
/// The endpoint is required (option or `RAG_ENDPOINT_NAME`): on an operator's machine nothing
/// else says which endpoint is meant, and a silent default (`local`) reads an empty series and
/// reports "0 jobs" as if that were the truth.
struct CloudWatchTargetOptions: ParsableArguments {
    @Option(name: [.customLong("endpoint"), .customLong("endpoint-name")],
            help: "SageMaker endpoint: the EndpointName dimension. Default: $RAG_ENDPOINT_NAME. Required with --source cloudwatch.")
    var endpoint: String?

    @Option(help: "Namespace of the worker's metrics. Default: $RAG_METRICS_NAMESPACE, else RAGWorker.")
    var namespace: String?

    @Option(help: "Log group of the worker's events. Default: $RAG_LOG_GROUP, else /aws/sagemaker/Endpoints/<endpoint>.")
    var logGroup: String?

    /// What the command reads, resolved from the options and then `environment`.
    struct Target {
        var endpointName: String
        var namespace: String
        var logGroup: String
        /// How the reader names what it reads, for a line on standard error.
        var description: String { "endpoint \(endpointName), namespace \(namespace), log group \(logGroup)" }
    }

    func target(environment: [String: String]) throws -> Target {
        func nonEmpty(_ value: String?) -> String? { value.flatMap { $0.isEmpty ? nil : $0 } }
        guard let endpoint = nonEmpty(endpoint) ?? nonEmpty(environment["RAG_ENDPOINT_NAME"]) else {
            throw ValidationError("--source cloudwatch needs --endpoint NAME (the SageMaker endpoint, e.g. rag-worker-prod); RAG_ENDPOINT_NAME is not set either")
        }
        var settings = environment
        settings["RAG_ENDPOINT_NAME"] = endpoint
        if let namespace = nonEmpty(namespace) { settings["RAG_METRICS_NAMESPACE"] = namespace }
        if let logGroup = nonEmpty(logGroup) { settings["RAG_LOG_GROUP"] = logGroup }
        let configuration: TelemetryConfiguration
        do {
            configuration = try TelemetryConfiguration(environment: settings)
        } catch let error as TelemetryConfigurationError {
            throw ValidationError("\(error)")
        }
        return Target(endpointName: configuration.endpointName, namespace: configuration.metricsNamespace,
                      logGroup: configuration.logGroupName)
    }
}
