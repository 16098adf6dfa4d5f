import AWS
import Curl
import Foundation
import Testing
import TestSupport

@Suite("What AWSClient puts on the wire, and how it reads errors")
struct AWSClientWireTests {
    let http = CurlHTTPClient()

    private func signedHeaders(_ request: RecordedRequest) -> [String] {
        guard let authorization = request.header("Authorization"),
              let match = authorization.firstMatch(of: #/SignedHeaders=([^,]+)/#)
        else { return [] }
        return match.1.split(separator: ";").map(String.init)
    }

    @Test("a session token is sent as X-Amz-Security-Token and is among the signed headers")
    func sessionTokenSigned() async throws {
        let recorder = RequestRecorder()
        try await withLoopbackServer(scriptedAWSRouter(recorder: recorder, responses: ScriptedResponses { _ in ScriptedResponse(status: 200, json: "{}") })) { baseURL in
            let client = loopbackClient(baseURL, http: http, credentials: StaticCredentialProvider(
                accessKeyID: "ASIAEXAMPLE", secretAccessKey: "s", sessionToken: "session-token-value"
            ))
            try await CloudWatchLogsClient(client: client).createLogGroup("g")
            let request = try #require(await recorder.requests.first)
            #expect(request.header("X-Amz-Security-Token") == "session-token-value")
            let authorization = try #require(request.header("Authorization"))
            #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/"))
            #expect(authorization.contains("/eu-west-1/logs/aws4_request"))
            let signed = signedHeaders(request)
            #expect(signed.contains("x-amz-security-token"))
            #expect(signed.contains("x-amz-target"))
            #expect(signed.contains("content-type"))
            #expect(!signed.contains("expect"))
            #expect(!authorization.contains("session-token-value"))
        }
    }

    @Test("JSON protocol: X-Amz-Target, content type and body; query protocol: form body")
    func protocols() async throws {
        let recorder = RequestRecorder()
        let responses = ScriptedResponses { request in
            request.header("X-Amz-Target") != nil
                ? ScriptedResponse(status: 200, json: #"{"ARN":"arn:secret","Name":"n","SecretString":"v","VersionId":"v1","VersionStages":["AWSCURRENT"]}"#)
                : ScriptedResponse(status: 200, headers: ["Content-Type": "text/xml"], body: Data(
                    #"<CreateTopicResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><CreateTopicResult><TopicArn>arn:aws:sns:eu-west-1:1:t</TopicArn></CreateTopicResult></CreateTopicResponse>"#.utf8
                ))
        }
        try await withLoopbackServer(scriptedAWSRouter(recorder: recorder, responses: responses)) { baseURL in
            let client = loopbackClient(baseURL, http: http)
            let secret = try await SecretsManagerClient(client: client).getSecretValue(id: "app/config")
            #expect(secret.versionID == "v1")
            #expect(try await SNSClient(client: client).createTopic(name: "alarms (prod)") == "arn:aws:sns:eu-west-1:1:t")
            let requests = await recorder.requests
            #expect(requests[0].header("X-Amz-Target") == "secretsmanager.GetSecretValue")
            #expect(requests[0].header("Content-Type") == "application/x-amz-json-1.1")
            #expect(requests[0].jsonObject?["SecretId"] as? String == "app/config")
            #expect(requests[1].header("Content-Type") == "application/x-www-form-urlencoded")
            #expect(String(decoding: requests[1].body, as: UTF8.self) == "Action=CreateTopic&Version=2010-03-31&Name=alarms+%28prod%29")
            #expect(requests.allSatisfy { $0.method == "POST" })
        }
    }

    @Test("errors in each format become one typed error with code, message and request id")
    func errorFormats() async throws {
        let cases: [(ScriptedResponse, code: String?, message: String, requestID: String?)] = [
            (jsonError(400, "ResourceNotFoundException", "no such group"), "ResourceNotFoundException", "no such group", "req-ResourceNotFoundException"),
            (xmlError(400, "InvalidParameterValue", "bad period"), "InvalidParameterValue", "bad period", "xml-req-1"),
            (ScriptedResponse(status: 403, headers: ["x-amzn-RequestId": "moto-1"], body: Data(
                #"<?xml version="1.0" encoding="utf-8"?><ErrorResponse><Errors><Error><Code>AccessDenied</Code><Message>User: x is not authorized</Message><Type>Sender</Type></Error></Errors></ErrorResponse>"#.utf8
            )), "AccessDenied", "User: x is not authorized", "moto-1"),
            (ScriptedResponse(status: 400, headers: ["x-amzn-ErrorType": "ValidationException:http://internal.amazon.com/"], body: Data()),
             "ValidationException", "HTTP 400 without an AWS error document", nil),
            (ScriptedResponse(status: 500, headers: ["Content-Type": "text/html"], body: Data("<h1>Internal Server Error</h1><p>x</p>".utf8)),
             nil, "HTTP 500 without an AWS error document", nil),
        ]
        for (response, code, message, requestID) in cases {
            try await withLoopbackServer(scriptedAWSRouter(recorder: RequestRecorder(), responses: ScriptedResponses { _ in response })) { baseURL in
                let error = await #expect(throws: AWSError.self) {
                    try await CloudWatchLogsClient(client: loopbackClient(baseURL, http: http)).createLogGroup("g")
                }
                #expect(error?.kind == .service)
                #expect(error?.code == code)
                #expect(error?.message == message)
                #expect(error?.requestID == requestID)
                #expect(error?.service == "CloudWatch Logs")
                #expect(error?.operation == "CreateLogGroup")
            }
        }
    }

    @Test("no region and no endpoint override: a configuration error before any request")
    func missingRegion() async throws {
        let client = AWSClient(
            httpClient: http, configuration: AWSConfiguration(environment: [:]),
            credentialProvider: StaticCredentialProvider(accessKeyID: "a", secretAccessKey: "b")
        )
        let error = await #expect(throws: AWSError.self) { try await CloudWatchLogsClient(client: client).createLogGroup("g") }
        #expect(error?.kind == .configuration)
        #expect(error?.message.contains("AWS_REGION") == true)
    }

    @Test("credential failures surface as AWSError of kind .credentials naming the providers")
    func credentialFailure() async throws {
        try await withTemporaryDirectory { home in
            let client = AWSClient(
                environment: ["HOME": home.path, "AWS_REGION": "eu-west-1", "AWS_EC2_METADATA_DISABLED": "true"], httpClient: http
            )
            let error = await #expect(throws: AWSError.self) { try await CloudWatchLogsClient(client: client).createLogGroup("g") }
            #expect(error?.kind == .credentials)
            #expect(error?.message.contains("AWS_ACCESS_KEY_ID") == true)
        }
    }
}
