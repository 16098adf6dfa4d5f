import AWS
import Curl
import Foundation
import Testing
import TestSupport

@Suite("Retries against a loopback server: throttling, 5xx, bounds")
struct RetryPolicyTests {
    let http = CurlHTTPClient()

    private func policy(_ sleeper: SleepRecorder, attempts: Int, base: Duration = .milliseconds(100)) -> RetryPolicy {
        RetryPolicy(maxAttempts: attempts, backoff: Backoff(base: base, maximum: .seconds(20), jitter: .none), sleep: sleeper.sleep)
    }

    @Test("JSON throttling twice, then success: three attempts, delays doubling")
    func throttlingThenSuccess() async throws {
        let recorder = RequestRecorder()
        let responses = ScriptedResponses([jsonError(400, "ThrottlingException"), jsonError(400, "ThrottlingException")]) { _ in
            ScriptedResponse(status: 200, json: #"{"nextSequenceToken":"1"}"#)
        }
        let sleeper = SleepRecorder()
        try await withLoopbackServer(scriptedAWSRouter(recorder: recorder, responses: responses)) { baseURL in
            let logs = CloudWatchLogsClient(client: loopbackClient(baseURL, http: http, retryPolicy: policy(sleeper, attempts: 3)))
            let result = try await logs.putLogEvents(group: "g", stream: "s", events: [LogEvent(timestampMillis: 1, message: "m")])
            #expect(result.rejectedLogEventsInfo == nil)
            #expect(await recorder.count == 3)
            #expect(sleeper.delays == [.milliseconds(100), .milliseconds(200)])
        }
    }

    @Test("5xx every time: stops at the attempt bound with the last error")
    func boundedAttempts() async throws {
        let recorder = RequestRecorder()
        let responses = ScriptedResponses { _ in jsonError(503, "ServiceUnavailableException") }
        let sleeper = SleepRecorder()
        try await withLoopbackServer(scriptedAWSRouter(recorder: recorder, responses: responses)) { baseURL in
            let logs = CloudWatchLogsClient(client: loopbackClient(baseURL, http: http, retryPolicy: policy(sleeper, attempts: 3)))
            let error = await #expect(throws: AWSError.self) { try await logs.createLogGroup("g") }
            #expect(error?.status == 503)
            #expect(error?.code == "ServiceUnavailableException")
            #expect(error?.attempts == 3)
            #expect(error?.isRetryable == true)
            #expect(error?.requestID == "req-ServiceUnavailableException")
            #expect(await recorder.count == 3)
            #expect(sleeper.delays == [.milliseconds(100), .milliseconds(200)])
        }
    }

    @Test("500, 502, 504 and query-protocol Throttling are all retried until success")
    func transientStatusesAndXMLThrottling() async throws {
        let recorder = RequestRecorder()
        let responses = ScriptedResponses(
            [ScriptedResponse(status: 500), ScriptedResponse(status: 502), xmlError(400, "Throttling"), ScriptedResponse(status: 504)]
        ) { _ in
            ScriptedResponse(status: 200, headers: ["Content-Type": "text/xml"], body: Data(
                "<PutMetricDataResponse><ResponseMetadata><RequestId>ok</RequestId></ResponseMetadata></PutMetricDataResponse>".utf8
            ))
        }
        let sleeper = SleepRecorder()
        try await withLoopbackServer(scriptedAWSRouter(recorder: recorder, responses: responses)) { baseURL in
            let cloudWatch = CloudWatchClient(client: loopbackClient(baseURL, http: http, retryPolicy: policy(sleeper, attempts: 5)))
            try await cloudWatch.putMetricData(namespace: "N", data: [MetricDatum(metricName: "M", value: .single(1))])
            #expect(await recorder.count == 5)
            #expect(sleeper.delays == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800)])
        }
    }

    @Test("delays grow as seen by the server, real waits included")
    func growingDelaysOnTheWire() async throws {
        let recorder = RequestRecorder()
        let responses = ScriptedResponses { _ in jsonError(429, "TooManyRequestsException") }
        let sleeper = SleepRecorder(reallySleep: true)
        try await withLoopbackServer(scriptedAWSRouter(recorder: recorder, responses: responses)) { baseURL in
            let client = loopbackClient(baseURL, http: http, retryPolicy: policy(sleeper, attempts: 4, base: .milliseconds(60)))
            let error = await #expect(throws: AWSError.self) {
                try await SecretsManagerClient(client: client).getSecretValue(id: "x")
            }
            #expect(error?.isThrottling == true)
            let arrivals = await recorder.requests.map(\.receivedAt)
            #expect(arrivals.count == 4)
            let gaps = zip(arrivals.dropFirst(), arrivals).map { $0.timeIntervalSince($1) }
            for (gap, expected) in zip(gaps, [0.06, 0.12, 0.24]) {
                #expect(gap >= expected - 0.005, "gap \(gap) shorter than the \(expected) s backoff")
            }
        }
    }

    @Test("Retry-After longer than the backoff is honoured, up to the ceiling")
    func retryAfter() async throws {
        let recorder = RequestRecorder()
        let responses = ScriptedResponses([
            jsonError(429, "TooManyRequestsException", headers: ["Retry-After": "7"]),
            jsonError(503, "ServiceUnavailableException", headers: ["Retry-After": "3600"]),
        ]) { _ in ScriptedResponse(status: 200, json: "{}") }
        let sleeper = SleepRecorder()
        try await withLoopbackServer(scriptedAWSRouter(recorder: recorder, responses: responses)) { baseURL in
            let logs = CloudWatchLogsClient(client: loopbackClient(baseURL, http: http, retryPolicy: policy(sleeper, attempts: 3)))
            try await logs.createLogGroup("g")
            #expect(sleeper.delays == [.seconds(7), .seconds(20)])
        }
    }

    @Test("validation and permission errors are not retried")
    func notRetried() async throws {
        for response in [jsonError(400, "InvalidParameterException"), xmlError(403, "AccessDenied"), xmlError(403, "SignatureDoesNotMatch")] {
            let recorder = RequestRecorder()
            let sleeper = SleepRecorder()
            try await withLoopbackServer(scriptedAWSRouter(recorder: recorder, responses: ScriptedResponses { _ in response })) { baseURL in
                let logs = CloudWatchLogsClient(client: loopbackClient(baseURL, http: http, retryPolicy: policy(sleeper, attempts: 3)))
                let error = await #expect(throws: AWSError.self) { try await logs.createLogGroup("g") }
                #expect(error?.isRetryable == false)
                #expect(error?.attempts == 1)
                #expect(await recorder.count == 1)
                #expect(sleeper.delays.isEmpty)
            }
        }
    }

    @Test("connection refused is retried to the bound and reported as a transport error")
    func connectionFailure() async throws {
        let sleeper = SleepRecorder()
        let client = loopbackClient("http://127.0.0.1:1", http: http, retryPolicy: policy(sleeper, attempts: 3))
        let error = await #expect(throws: AWSError.self) { try await CloudWatchLogsClient(client: client).createLogGroup("g") }
        #expect(error?.kind == .transport)
        #expect(error?.attempts == 3)
        #expect(sleeper.delays == [.milliseconds(100), .milliseconds(200)])
    }

    @Test("the standard schedule caps at 20 s and full jitter stays within the exponential bound")
    func standardSchedule() {
        let capped = RetryPolicy(backoff: Backoff(base: .seconds(1), maximum: .seconds(20), jitter: .none))
        #expect((1...7).map { capped.delay(beforeRetry: $0, retryAfter: nil) }
            == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(20), .seconds(20)])
        let standard = RetryPolicy.standard()
        #expect(standard.maxAttempts == 3)
        #expect(standard.backoff == Backoff(base: .seconds(1), maximum: .seconds(20), jitter: .full))
        for retry in 1...6 {
            let bound = capped.delay(beforeRetry: retry, retryAfter: nil)
            for _ in 0..<30 {
                let delay = standard.delay(beforeRetry: retry, retryAfter: nil)
                #expect(delay >= .zero && delay <= bound)
            }
        }
        let configured = AWSClient(
            httpClient: http, configuration: AWSConfiguration(environment: ["AWS_MAX_ATTEMPTS": "5", "AWS_REGION": "eu-west-1"]),
            credentialProvider: StaticCredentialProvider(accessKeyID: "a", secretAccessKey: "b")
        )
        #expect(configured.retryPolicy.maxAttempts == 5)
    }

    @Test("ExpiredToken makes the client fetch fresh credentials and try again")
    func expiredTokenRefresh() async throws {
        let issuer = TemporaryCredentialsIssuer()
        let container = ContainerCredentialsDouble(issuer: issuer)
        let recorder = RequestRecorder()
        let responses = ScriptedResponses { request in
            request.header("X-Amz-Security-Token") == "token-1"
                ? jsonError(400, "ExpiredTokenException", "The security token included in the request is expired")
                : ScriptedResponse(status: 200, json: "{}")
        }
        try await withLoopbackServer(container.router()) { containerURL in
            try await withLoopbackServer(scriptedAWSRouter(recorder: recorder, responses: responses)) { baseURL in
                let provider = CachedCredentialProvider(ContainerCredentialProvider(
                    environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": containerURL + "/c"], httpClient: http, timeout: .seconds(20)
                ))
                let sleeper = SleepRecorder()
                let client = loopbackClient(baseURL, http: http, retryPolicy: policy(sleeper, attempts: 3), credentials: provider)
                try await CloudWatchLogsClient(client: client).createLogGroup("g")
                #expect(await recorder.requests.map { $0.header("X-Amz-Security-Token") } == ["token-1", "token-2"])
                #expect(await issuer.issuedCount == 2)
                #expect(sleeper.delays.isEmpty)
            }
        }
    }
}
