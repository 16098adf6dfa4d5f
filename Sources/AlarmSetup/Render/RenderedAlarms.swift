/// The alarm definitions file `render` writes next to the dashboard (`<endpoint>.alarms.json`):
/// the PutMetricAlarm and PutCompositeAlarm inputs `apply` sends, and the topic they notify.
struct RenderedAlarms: Sendable, Hashable, Codable {
    struct Topic: Sendable, Hashable, Codable {
        var arn: String
        /// False when the operator named an existing topic (`--topic-arn`): alarm-setup leaves it alone.
        var managedByAlarmSetup: Bool

        enum CodingKeys: String, CodingKey {
            case arn = "Arn"
            case managedByAlarmSetup = "ManagedByAlarmSetup"
        }
    }

    var endpointName: String
    var namespace: String
    var region: String
    var accountID: String
    var logGroup: String
    var topic: Topic
    var metricAlarms: [MetricAlarmDefinition]
    var compositeAlarms: [CompositeAlarmDefinition]

    enum CodingKeys: String, CodingKey {
        case endpointName = "EndpointName"
        case namespace = "Namespace"
        case region = "Region"
        case accountID = "AccountId"
        case logGroup = "LogGroup"
        case topic = "Topic"
        case metricAlarms = "MetricAlarms"
        case compositeAlarms = "CompositeAlarms"
    }

    init(_ definitions: AlarmDefinitions) {
        let target = definitions.target
        endpointName = target.endpointName
        namespace = target.namespace
        region = target.region
        accountID = target.accountID
        logGroup = target.resolvedLogGroup
        topic = Topic(arn: target.topicARN, managedByAlarmSetup: target.externalTopicARN == nil)
        metricAlarms = definitions.metricAlarms
        compositeAlarms = definitions.compositeAlarms
    }
}
