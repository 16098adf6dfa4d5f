import Telemetry

/// Where the alarms and the dashboard point: one SageMaker endpoint in one account and region.
///
/// `render` builds it from flags alone (the account is a placeholder unless given); `apply`, `plan`,
/// `verify` and `destroy` take the account from the SNS topic's ARN, so the alarm ARNs in the
/// dashboard's alarm widget are the real ones.
struct DeploymentTarget: Sendable, Hashable {
    /// The SageMaker endpoint name; also the `EndpointName` dimension the worker sets
    /// (`RAG_ENDPOINT_NAME`), the alarm name prefix and the dashboard name.
    var endpointName: String
    /// Namespace of the worker's metrics (`RAG_METRICS_NAMESPACE`, default `RAGWorker`).
    var namespace: String = MetricCatalogue.defaultNamespace
    /// The production variant, `AllTraffic` for a single-model endpoint.
    var variantName: String = ExternalMetricCatalogue.defaultVariantName
    var region: String = "us-east-1"
    var accountID: String = DeploymentTarget.placeholderAccountID
    /// Log group of the worker's structured events (`RAG_LOG_GROUP`, default `/rag-worker/<endpoint>`).
    var logGroup: String?
    /// An existing topic chosen by the operator; alarm-setup never creates nor deletes it.
    var externalTopicARN: String?

    /// The account used when rendering without AWS: the committed files show this value.
    static let placeholderAccountID = "000000000000"

    init(endpointName: String) {
        self.endpointName = endpointName
    }

    var resolvedLogGroup: String { logGroup ?? TelemetryConfiguration.defaultLogGroupName(endpointName: endpointName) }
    var dashboardName: String { endpointName }
    /// Name of the topic alarm-setup creates when no external topic is given.
    var managedTopicName: String { "\(endpointName)-alarms" }
    var topicARN: String {
        externalTopicARN ?? "arn:\(partition):sns:\(region):\(accountID):\(managedTopicName)"
    }

    /// The ARN CloudWatch gives the alarm called `name` in this account and region.
    func alarmARN(named name: String) -> String {
        "arn:\(partition):cloudwatch:\(region):\(accountID):alarm:\(name)"
    }

    private var partition: String {
        if region.hasPrefix("cn-") { return "aws-cn" }
        if region.hasPrefix("us-gov-") { return "aws-us-gov" }
        return "aws"
    }
}
