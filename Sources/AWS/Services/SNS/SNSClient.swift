/// SNS topics and subscriptions (query protocol, `Version=2010-03-31`), for alarm actions.
///
/// [API reference](https://docs.aws.amazon.com/sns/latest/api/welcome.html)
public struct SNSClient: Sendable {
    public let client: AWSClient

    public init(client: AWSClient) {
        self.client = client
    }

    /// Creates the topic, or returns the existing one's ARN (CreateTopic is idempotent).
    public func createTopic(name: String) async throws -> String {
        var parameters = QueryParameters()
        parameters.add("Name", name)
        let result = try await client.query(service: .sns, action: "CreateTopic", parameters: parameters)
        guard let arn = result.string("TopicArn") else {
            throw AWSError(kind: .invalidResponse, service: AWSService.sns.id, operation: "CreateTopic", message: "no TopicArn in the response")
        }
        return arn
    }

    /// Subscribes `endpoint` (an address for `protocol`: `email`, `https`, `sqs`, `lambda`, ...).
    /// Returns the subscription ARN, or `pending confirmation` for protocols that confirm first.
    @discardableResult
    public func subscribe(topicArn: String, protocol: String, endpoint: String) async throws -> String? {
        var parameters = QueryParameters()
        parameters.add("TopicArn", topicArn)
        parameters.add("Protocol", `protocol`)
        parameters.add("Endpoint", endpoint)
        parameters.add("ReturnSubscriptionArn", true)
        let result = try await client.query(service: .sns, action: "Subscribe", parameters: parameters)
        return result.string("SubscriptionArn")
    }

    /// The topic's subscriptions, following every page.
    public func listSubscriptionsByTopic(topicArn: String) async throws -> [SNSSubscription] {
        var subscriptions: [SNSSubscription] = []
        var nextToken: String?
        repeat {
            var parameters = QueryParameters()
            parameters.add("TopicArn", topicArn)
            parameters.add("NextToken", nextToken)
            let result = try await client.query(service: .sns, action: "ListSubscriptionsByTopic", parameters: parameters)
            subscriptions += result.members("Subscriptions").map {
                SNSSubscription(
                    subscriptionArn: $0.string("SubscriptionArn"), protocol: $0.string("Protocol") ?? "",
                    endpoint: $0.string("Endpoint") ?? "", topicArn: $0.string("TopicArn")
                )
            }
            nextToken = result.string("NextToken").flatMap { $0.isEmpty ? nil : $0 }
        } while nextToken != nil
        return subscriptions
    }

    public func deleteTopic(arn: String) async throws {
        var parameters = QueryParameters()
        parameters.add("TopicArn", arn)
        _ = try await client.query(service: .sns, action: "DeleteTopic", parameters: parameters)
    }
}

/// One subscription of a topic.
public struct SNSSubscription: Sendable, Equatable {
    public var subscriptionArn: String?
    public var `protocol`: String
    public var endpoint: String
    public var topicArn: String?
}
