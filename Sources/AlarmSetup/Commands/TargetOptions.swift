import ArgumentParser
import Telemetry

/// Which endpoint the alarms and dashboard are for, and where its telemetry lands.
struct TargetOptions: ParsableArguments {
    /// The endpoint name the committed files under `dashboards/` are rendered for.
    static let defaultEndpointName = "rag-worker-prod"

    @Option(
        name: [.customLong("endpoint-name"), .customLong("endpoint")],
        help: "SageMaker endpoint name: the EndpointName dimension (RAG_ENDPOINT_NAME of the worker), alarm prefix and dashboard name.")
    var endpointName = defaultEndpointName

    @Option(help: "Namespace of the worker's metrics. Default: $RAG_METRICS_NAMESPACE, else \(MetricCatalogue.defaultNamespace).")
    var namespace: String?

    @Option(help: "Log group of the worker's events. Default: $RAG_LOG_GROUP, else /aws/sagemaker/Endpoints/<endpoint> (where SageMaker writes the container's output).")
    var logGroup: String?

    @Option(help: "Production variant of the endpoint.")
    var variantName = ExternalMetricCatalogue.defaultVariantName

    @Option(help: "Use this existing SNS topic; alarm-setup then neither creates nor deletes a topic.")
    var topicArn: String?

    /// The target, with defaults from `environment` (never the process environment directly).
    func target(environment: [String: String], region: String, accountID: String) -> DeploymentTarget {
        var target = DeploymentTarget(endpointName: endpointName)
        target.namespace = namespace ?? environment["RAG_METRICS_NAMESPACE"].flatMap { $0.isEmpty ? nil : $0 }
            ?? MetricCatalogue.defaultNamespace
        target.logGroup = logGroup ?? environment["RAG_LOG_GROUP"].flatMap { $0.isEmpty ? nil : $0 }
        target.variantName = variantName
        target.region = region
        target.accountID = accountID
        target.externalTopicARN = topicArn
        return target
    }
}
