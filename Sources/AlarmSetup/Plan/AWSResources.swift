import AWS

/// The SNS and CloudWatch calls alarm-setup needs beyond the `AWS` module's typed clients
/// (topic attributes and tags, composite alarms in DescribeAlarms), on the module's query client.
struct AWSResources: Sendable {
    let client: AWSClient
    var cloudWatch: CloudWatchClient { CloudWatchClient(client: client) }
    var sns: SNSClient { SNSClient(client: client) }

    /// The tag alarm-setup puts on a topic it creates; its value is the endpoint name.
    static let topicTagKey = "alarm-setup:endpoint"

    /// The account of the caller's credentials.
    func accountID() async throws -> String {
        try await STSClient(client: client).getCallerIdentity().account
    }

    /// The topic, or `nil` when it does not exist. Found with ListTopics (GetTopicAttributes needs
    /// a permission the deployer may lack); its tags and subscriptions are read only when asked.
    func topic(
        arn: String, endpoint: String, ownership: Bool = false, subscriptions: Bool = false
    ) async throws -> ObservedState.Topic? {
        guard try await topicARNs().contains(arn) else { return nil }
        var topic = ObservedState.Topic(arn: arn, managed: nil, subscriptions: nil)
        if ownership {
            var parameters = QueryParameters()
            parameters.add("ResourceArn", arn)
            let tags = try await client.query(service: .sns, action: "ListTagsForResource", parameters: parameters)
            topic.managed = tags.members("Tags").contains {
                $0.string("Key") == Self.topicTagKey && $0.string("Value") == endpoint
            }
        }
        if subscriptions {
            topic.subscriptions = try await sns.listSubscriptionsByTopic(topicArn: arn).map {
                Subscription(protocol: $0.protocol, endpoint: $0.endpoint)
            }
        }
        return topic
    }

    /// Every topic ARN of the account and region, following every page.
    func topicARNs() async throws -> Set<String> {
        var arns: Set<String> = []
        var nextToken: String?
        repeat {
            var parameters = QueryParameters()
            parameters.add("NextToken", nextToken)
            let result = try await client.query(service: .sns, action: "ListTopics", parameters: parameters)
            arns.formUnion(result.members("Topics").compactMap { $0.string("TopicArn") })
            nextToken = result.string("NextToken").flatMap { $0.isEmpty ? nil : $0 }
        } while nextToken != nil
        return arns
    }

    /// Creates the topic tagged as alarm-setup's for `endpoint`; returns its ARN.
    func createTopic(name: String, endpoint: String) async throws -> String {
        var parameters = QueryParameters()
        parameters.add("Name", name)
        parameters.add("Tags.member.1.Key", Self.topicTagKey)
        parameters.add("Tags.member.1.Value", endpoint)
        let result = try await client.query(service: .sns, action: "CreateTopic", parameters: parameters)
        guard let arn = result.string("TopicArn") else {
            throw AlarmSetupError(code: .awsCallFailed, message: "CreateTopic answered without a TopicArn", operation: "CreateTopic")
        }
        return arn
    }

    /// The composite alarms whose names start with `prefix`, every page followed.
    func compositeAlarms(prefix: String) async throws -> [CompositeAlarmDefinition] {
        var alarms: [CompositeAlarmDefinition] = []
        var nextToken: String?
        repeat {
            var parameters = QueryParameters()
            parameters.add("AlarmNamePrefix", prefix)
            parameters.addList("AlarmTypes", ["CompositeAlarm"])
            parameters.add("MaxRecords", 100)
            parameters.add("NextToken", nextToken)
            let result = try await client.query(service: .cloudWatch, action: "DescribeAlarms", parameters: parameters)
            alarms += result.members("CompositeAlarms").compactMap(Self.composite(from:))
            nextToken = result.string("NextToken").flatMap { $0.isEmpty ? nil : $0 }
        } while nextToken != nil
        return alarms
    }

    private static func composite(from member: AWSXMLElement) -> CompositeAlarmDefinition? {
        guard let name = member.string("AlarmName"), let rule = member.string("AlarmRule") else { return nil }
        let suppressor = member.string("ActionsSuppressor").flatMap { $0.isEmpty ? nil : $0 }
        return CompositeAlarmDefinition(
            alarmName: name, alarmDescription: member.string("AlarmDescription") ?? "",
            actionsEnabled: member.bool("ActionsEnabled") ?? true,
            alarmActions: member.members("AlarmActions").map(\.trimmedText),
            okActions: member.members("OKActions").map(\.trimmedText), alarmRule: rule, inputAlarmNames: [],
            actionsSuppressor: suppressor,
            actionsSuppressorWaitPeriod: suppressor == nil ? nil : member.string("ActionsSuppressorWaitPeriod").flatMap { Int($0) },
            actionsSuppressorExtensionPeriod: suppressor == nil ? nil : member.string("ActionsSuppressorExtensionPeriod").flatMap { Int($0) })
    }
}
