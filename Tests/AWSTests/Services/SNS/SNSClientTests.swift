import AWS
import Foundation
import Testing
import TestSupport

@Suite("SNSClient against moto")
struct SNSClientTests {
    @Test("create a topic, subscribe, list the subscription, delete the topic")
    func topicLifecycle() async throws {
        let sns = SNSClient(client: try await MotoServer.shared().client())
        let name = "rag-alarms-\(UUID().uuidString.prefix(8))"
        let arn = try await sns.createTopic(name: name)
        #expect(arn == "arn:aws:sns:us-east-1:\(MotoServer.accountID):\(name)")
        #expect(try await sns.createTopic(name: name) == arn)
        try await sns.subscribe(topicArn: arn, protocol: "email", endpoint: "oncall@example.com")
        let subscriptions = try await sns.listSubscriptionsByTopic(topicArn: arn)
        #expect(subscriptions.map(\.endpoint) == ["oncall@example.com"])
        #expect(subscriptions.first?.protocol == "email")
        try await sns.deleteTopic(arn: arn)
        await #expect(throws: AWSError.self) { try await sns.listSubscriptionsByTopic(topicArn: arn) }
    }
}
