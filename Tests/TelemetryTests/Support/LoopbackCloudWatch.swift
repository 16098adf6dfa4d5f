import AWS
import Curl
import Foundation
import Hummingbird
import Logging
import TestSupport

/// A router answering every POST from `responses` and recording it: a CloudWatch (Logs) double.
func scriptedCloudWatchRouter(recorder: RequestRecorder, responses: ScriptedResponses) -> Router<BasicRequestContext> {
    let router = Router()
    let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
        let recorded = try await recorder.record(request)
        return try await responses.next(for: recorded).response()
    }
    router.post("/", use: handler)
    return router
}

/// An AWSClient for a loopback double, with static keys.
func loopbackAWSClient(_ baseURL: String, http: CurlHTTPClient) -> AWSClient {
    var logger = Logger(label: "aws.tests")
    logger.logLevel = .error
    return AWSClient(
        httpClient: http, configuration: AWSConfiguration(region: "eu-west-1", endpoint: baseURL),
        credentialProvider: StaticCredentialProvider(accessKeyID: "AKIDLOOPBACK", secretAccessKey: "loopback-secret"),
        retryPolicy: .noRetries, timeout: .seconds(10), logger: logger)
}

/// A JSON-protocol (CloudWatch Logs) error answer.
func logsError(_ status: Int, _ type: String) -> ScriptedResponse {
    ScriptedResponse(status: status, json: #"{"__type":"com.amazonaws.logs#\#(type)","message":"scripted"}"#,
                     headers: ["Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": "req-\(type)"])
}

/// A successful CloudWatch Logs answer.
let logsOK = ScriptedResponse(status: 200, json: "{}", headers: ["Content-Type": "application/x-amz-json-1.1"])

/// `{}` for Logs calls, the empty XML answer for query calls.
func cloudWatchSuccess(_ request: RecordedRequest) -> ScriptedResponse {
    if request.header("X-Amz-Target") != nil {
        return ScriptedResponse(status: 200, json: "{}", headers: ["Content-Type": "application/x-amz-json-1.1"])
    }
    return ScriptedResponse(status: 200, headers: ["Content-Type": "text/xml"], body: Data(
        "<PutMetricDataResponse><ResponseMetadata><RequestId>ok</RequestId></ResponseMetadata></PutMetricDataResponse>".utf8))
}

/// The form fields of a query-protocol body.
func formFields(_ body: Data) -> [String: String] {
    var fields: [String: String] = [:]
    for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
        let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
        let decode = { (text: String) in text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? text }
        fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
    }
    return fields
}
