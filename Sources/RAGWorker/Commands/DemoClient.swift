import Curl
import Foundation
import RAGPipeline

/// Posts a job to the worker's own HTTP API, as n8n would, and polls `GET /jobs/{id}` until its
/// webhook delivery is settled.
struct DemoClient {
    let baseURL: String
    let httpClient: any HTTPClient
    let config: Config

    /// A job as `GET /jobs/{id}` shows it, decoded for printing.
    struct Job: Decodable {
        struct Delivery: Decodable {
            let status: String
            let attempts: Int
            let lastError: String?

            enum CodingKeys: String, CodingKey {
                case status, attempts
                case lastError = "last_error"
            }
        }

        let jobID: String
        let status: String
        let traceID: String
        let stages: [StageTiming]
        let result: ProposalResult?
        let error: JobFailure?
        let delivery: Delivery?

        enum CodingKeys: String, CodingKey {
            case status, stages, result, error, delivery
            case jobID = "job_id"
            case traceID = "trace_id"
        }
    }

    func submitAndWait(_ body: Data, timeout: Duration) async throws -> Job {
        let accepted = try await httpClient.execute(HTTPClientRequest(
            method: .post, url: baseURL + "/invocations", headers: headers(json: true), body: body, timeout: .seconds(10)
        ))
        guard accepted.status == 202 || accepted.status == 200 else {
            throw DemoError(message: "POST /invocations answered \(accepted.status): \(String(decoding: accepted.body, as: UTF8.self))")
        }
        let jobID = try JSONDecoder().decode(AcceptAnswer.self, from: accepted.body).jobID
        print("Accepted job \(jobID) (HTTP \(accepted.status)); waiting for the webhook delivery…")
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let response = try await httpClient.execute(HTTPClientRequest(
                method: .get, url: baseURL + "/jobs/" + IntakeController.pathComponent(jobID), headers: headers(json: false)
            ))
            let job = try JSONDecoder().decode(Job.self, from: response.body)
            if let delivery = job.delivery, delivery.status != "pending" { return job }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw DemoError(message: "job \(jobID) was not delivered within \(timeout)")
    }

    private func headers(json: Bool) -> HTTPHeaders {
        var headers = HTTPHeaders()
        if json { headers.add(name: "Content-Type", value: "application/json") }
        if let user = config.basicAuthUser, let password = config.secrets.value(ConfigKey.basicAuthPass) {
            headers.add(name: "Authorization", value: "Basic " + Data("\(user):\(password)".utf8).base64EncodedString())
        }
        return headers
    }

    private struct AcceptAnswer: Decodable {
        let jobID: String
        enum CodingKeys: String, CodingKey { case jobID = "job_id" }
    }
}

/// The demo could not complete.
struct DemoError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

extension WorkerRuntime {
    /// The payload the local sink stored for `jobID` (nil when deliveries go to a real webhook).
    func deliveredPayload(jobID: String) throws -> Data? {
        guard let sink = webhookSender as? LocalWebhookSink else { return nil }
        let path = (sink.directory as NSString).appendingPathComponent("\(LocalWebhookSink.fileName(for: jobID)).json")
        return FileManager.default.fileExists(atPath: path) ? try Data(contentsOf: URL(fileURLWithPath: path)) : nil
    }
}
