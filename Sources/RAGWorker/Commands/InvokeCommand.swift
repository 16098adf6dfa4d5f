import AWS
import ArgumentParser
import Curl
import Foundation
import Logging

/// `rag-worker invoke`: posts a job to a running worker, either a SageMaker endpoint through
/// SageMaker Runtime (SigV4, the way n8n calls it) or a plain URL. The deploy script's smoke test.
struct InvokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invoke",
        abstract: "Post a job to a SageMaker endpoint (InvokeEndpoint, SigV4) or to a worker URL and print the answer."
    )

    @Option(help: "SageMaker endpoint name; AWS region and credentials come from the environment.")
    var endpoint: String?

    @Option(help: "Base URL of a worker instead of an endpoint, e.g. http://127.0.0.1:8080.")
    var url: String?

    @Option(help: "The job posting as JSON (see fixtures/jobs/).")
    var job: String

    func validate() throws {
        guard (endpoint == nil) != (url == nil) else {
            throw ValidationError("give exactly one of --endpoint and --url")
        }
    }

    func run() async throws {
        let body = try Data(contentsOf: URL(fileURLWithPath: job))
        let httpClient = CurlHTTPClient()
        defer { httpClient.shutdown() }
        let status: Int
        let answer: Data
        if let endpoint {
            var logger = Logger(label: "rag-worker.invoke")
            logger.logLevel = .warning
            let aws = AWSClient(environment: ProcessInfo.processInfo.environment, httpClient: httpClient, logger: logger)
            do {
                let result = try await SageMakerRuntimeClient(client: aws).invokeEndpoint(
                    name: endpoint, body: body, contentType: "application/json", accept: "application/json"
                )
                (status, answer) = (result.status, result.body)
            } catch let error as AWSError {
                FileHandle.standardError.write(Data("rag-worker invoke: \(error)\n".utf8))
                throw ExitCode(1)
            }
        } else if var base = url {
            while base.hasSuffix("/") { base.removeLast() }
            let response = try await httpClient.execute(HTTPClientRequest(
                method: .post, url: base + "/invocations",
                headers: ["Content-Type": "application/json"], body: body, timeout: .seconds(60)
            ))
            (status, answer) = (response.status, response.body)
        } else {
            throw ExitCode(2)
        }
        print(String(decoding: answer, as: UTF8.self))
        let accepted = (try? JSONSerialization.jsonObject(with: answer) as? [String: Any])?["job_id"] != nil
        guard (200..<300).contains(status), accepted else {
            FileHandle.standardError.write(Data("rag-worker invoke: the job was not accepted (HTTP \(status))\n".utf8))
            throw ExitCode(1)
        }
    }
}
