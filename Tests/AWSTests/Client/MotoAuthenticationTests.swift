import AWS
import Foundation
import Testing
import TestSupport

@Suite("Signatures, permissions and session tokens against moto with authentication on")
struct MotoAuthenticationTests {
    @Test("a wrong secret key yields a typed SignatureDoesNotMatch, not retried")
    func wrongSecret() async throws {
        let moto = try await MotoServer.shared()
        var credentials = moto.credentials
        credentials.secretAccessKey += "-wrong"
        let logs = CloudWatchLogsClient(client: moto.client(credentials: credentials))
        let error = await #expect(throws: AWSError.self) { try await logs.createLogGroup("auth-\(UUID().uuidString)") }
        #expect(error?.kind == .service)
        #expect(error?.status == 403)
        #expect(error?.code == "SignatureDoesNotMatch")
        #expect(error?.isAuthenticationFailure == true)
        #expect(error?.isRetryable == false)
        #expect(error?.attempts == 1)
        #expect(error?.description.contains(credentials.secretAccessKey) == false)
    }

    @Test("an unknown access key yields InvalidClientTokenId, in the query protocol too")
    func unknownKey() async throws {
        let moto = try await MotoServer.shared()
        let client = moto.client(credentials: AWSCredentials(accessKeyID: "AKIAUNKNOWN000000000", secretAccessKey: "x"))
        let error = await #expect(throws: AWSError.self) {
            try await CloudWatchClient(client: client).putMetricData(namespace: "Auth", data: [MetricDatum(metricName: "M", value: .single(1))])
        }
        #expect(error?.code == "InvalidClientTokenId")
        #expect(error?.isAuthenticationFailure == true)
    }

    @Test("a policy without the action yields AccessDenied for that call only")
    func accessDenied() async throws {
        let moto = try await MotoServer.shared()
        let id = UUID().uuidString.prefix(8)
        let restricted = try await moto.createUser(
            named: "no-put-\(id)",
            allowingAllExcept: ["logs:PutLogEvents", "monitoring:PutMetricData", "cloudwatch:PutMetricData", "secretsmanager:GetSecretValue"]
        )
        let client = moto.client(credentials: restricted)
        let logs = CloudWatchLogsClient(client: client)
        let group = "denied-\(id)"
        try await logs.ensureLogGroup(group)
        try await logs.ensureLogStream(group: group, stream: "s")
        let denied = await #expect(throws: AWSError.self) {
            try await logs.putLogEvents(group: group, stream: "s", events: [LogEvent(date: Date(), message: "m")])
        }
        #expect(denied?.code == "AccessDenied")
        #expect(denied?.status == 403)
        #expect(denied?.isAccessDenied == true)
        #expect(denied?.message.contains("logs:PutLogEvents") == true)

        let metrics = await #expect(throws: AWSError.self) {
            try await CloudWatchClient(client: client).putMetricData(namespace: "Auth", data: [MetricDatum(metricName: "M", value: .single(1))])
        }
        #expect(metrics?.isAccessDenied == true)
        let secret = await #expect(throws: AWSError.self) {
            try await SecretsManagerClient(client: client).getSecretValue(id: "anything")
        }
        #expect(secret?.isAccessDenied == true)
    }

    @Test("temporary credentials from AssumeRole work; the same key without its token is refused")
    func sessionToken() async throws {
        let moto = try await MotoServer.shared()
        let temporary = try await moto.temporaryCredentials(roleName: "session-\(UUID().uuidString.prefix(8))")
        #expect(temporary.sessionToken?.isEmpty == false)
        #expect(temporary.accessKeyID.hasPrefix("ASIA"))
        #expect(temporary.expiration != nil)

        let secrets = SecretsManagerClient(client: moto.client(credentials: temporary))
        let name = "session-secret-\(UUID().uuidString)"
        try await secrets.createSecret(name: name, string: "value")
        #expect(try await secrets.getSecretValue(id: name).string == "value")

        var withoutToken = temporary
        withoutToken.sessionToken = nil
        let missing = await #expect(throws: AWSError.self) {
            try await SecretsManagerClient(client: moto.client(credentials: withoutToken)).getSecretValue(id: name)
        }
        #expect(missing?.code == "InvalidClientTokenId")
        var wrongToken = temporary
        wrongToken.sessionToken = "not-the-token"
        let wrong = await #expect(throws: AWSError.self) {
            try await SecretsManagerClient(client: moto.client(credentials: wrongToken)).getSecretValue(id: name)
        }
        #expect(wrong?.isAuthenticationFailure == true)
    }

    @Test("a client built only from the server's environment dictionary reaches moto")
    func environmentClient() async throws {
        let moto = try await MotoServer.shared()
        try await withTemporaryDirectory { home in
            var environment = moto.environment
            environment["HOME"] = home.path
            let client = AWSClient(environment: environment, httpClient: moto.httpClient)
            let identity = try await STSClient(client: client).getCallerIdentity()
            #expect(identity.account == MotoServer.accountID)
            #expect(identity.arn.hasSuffix("user/\(moto.userName)"))
        }
    }
}
