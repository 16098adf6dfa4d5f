import AWS
import Curl
import Foundation
import Hummingbird
import Logging
import Synchronization
import TestSupport

/// Records the delays a ``RetryPolicy`` asks for; optionally really waits them.
final class SleepRecorder: Sendable {
    private let recorded = Mutex<[Duration]>([])
    private let really: Bool

    init(reallySleep: Bool = false) {
        self.really = reallySleep
    }

    var delays: [Duration] { recorded.withLock { $0 } }

    var sleep: @Sendable (Duration) async throws -> Void {
        { [self] delay in
            recorded.withLock { $0.append(delay) }
            if really { try await Task.sleep(for: delay) }
        }
    }
}

/// A router answering every POST to `/` (and any path below) from `responses`, recording requests.
func scriptedAWSRouter(recorder: RequestRecorder, responses: ScriptedResponses) -> Router<BasicRequestContext> {
    let router = Router()
    let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
        let recorded = try await recorder.record(request)
        return try await responses.next(for: recorded).response()
    }
    router.post("/", use: handler)
    router.post("**", use: handler)
    return router
}

/// An AWSClient for a loopback double, with static keys and the given retry policy.
func loopbackClient(
    _ baseURL: String, http: CurlHTTPClient, retryPolicy: RetryPolicy = .noRetries,
    credentials: any AWSCredentialProvider = StaticCredentialProvider(accessKeyID: "AKIDLOOPBACK", secretAccessKey: "loopback-secret")
) -> AWSClient {
    AWSClient(
        httpClient: http,
        configuration: AWSConfiguration(region: "eu-west-1", endpoint: baseURL),
        credentialProvider: credentials,
        retryPolicy: retryPolicy,
        timeout: .seconds(5),
        logger: quietLogger
    )
}

/// Retries log warnings; tests that provoke them on purpose keep them out of the output.
let quietLogger: Logger = {
    var logger = Logger(label: "aws.tests")
    logger.logLevel = .error
    return logger
}()

/// A JSON-protocol error answer.
func jsonError(_ status: Int, _ type: String, _ message: String = "scripted", headers: [String: String] = [:]) -> ScriptedResponse {
    var headers = headers
    headers["x-amzn-RequestId"] = headers["x-amzn-RequestId"] ?? "req-\(type)"
    return ScriptedResponse(
        status: status, json: #"{"__type":"com.amazonaws.logs#\#(type)","message":"\#(message)"}"#,
        headers: headers.merging(["Content-Type": "application/x-amz-json-1.1"]) { $1 }
    )
}

/// A query-protocol (XML) error answer, in AWS's shape.
func xmlError(_ status: Int, _ code: String, _ message: String = "scripted") -> ScriptedResponse {
    ScriptedResponse(
        status: status, headers: ["Content-Type": "text/xml"],
        body: Data("""
            <ErrorResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><Error><Type>Sender</Type>\
            <Code>\(code)</Code><Message>\(message)</Message></Error><RequestId>xml-req-1</RequestId></ErrorResponse>
            """.utf8)
    )
}
