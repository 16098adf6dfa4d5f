import AWS
import ArgumentParser
import Curl
import Foundation
import Telemetry

extension PostmortemCommand {
    /// `postmortem JOB --content`: the job's captured prompts and replies, from the ring buffer
    /// (`local` capture) or from S3, at the location the job's `rag.job` span records (read from
    /// the ring buffer, or from the log group with `--source cloudwatch`), else at the key
    /// `--capture` / `RAG_CAPTURE_CONTENT` gives for the job.
    func runContent(job: String) async throws {
        let environment = ProcessInfo.processInfo.environment
        var jobID = job
        var uri: String?
        var captures: [CapturedContent] = []
        var from = ""
        let httpClient = CurlHTTPClient()
        defer { httpClient.shutdown() }
        switch source {
        case .ringBuffer:
            let path = try ringBuffer.telemetryConfiguration().ringBufferPath
            if FileManager.default.fileExists(atPath: path) {
                let store = try ringBuffer.openStore()
                let timeline = try await PostmortemQuery(store: store).job(job)
                jobID = timeline?.jobID ?? job
                uri = timeline?.captureURI
                captures = try await store.captures(jobID: jobID)
                from = "ring buffer \(path)"
            }
        case .cloudwatch:
            let target = try cloudWatch.target(environment: environment)
            let logs = CloudWatchLogsClient(client: AWSClient(environment: environment, httpClient: httpClient))
            let timeline = try await CloudWatchTimelineSource(client: logs, logGroup: target.logGroup).job(job, range: try ringBuffer.range())
            jobID = timeline?.jobID ?? job
            uri = timeline?.captureURI
        }
        if captures.isEmpty {
            if uri == nil, let setting = capture ?? environment["RAG_CAPTURE_CONTENT"], !setting.isEmpty {
                guard let mode = ContentCaptureMode(setting: setting) else {
                    throw ValidationError("cannot read the capture setting \(setting.debugDescription): use s3://bucket/prefix")
                }
                uri = mode.uri(jobID: jobID)
            }
            if let uri {
                let reader = S3CapturedContentReader(client: S3Client(client: AWSClient(environment: environment, httpClient: httpClient)))
                do {
                    captures = [try await reader.content(at: uri)]
                    from = uri
                } catch let error as AWSError where error.code == "NoSuchKey" {
                    throw ValidationError("no captured content at \(uri) (capture was off for the job, or its upload failed)")
                }
            }
        }
        guard !captures.isEmpty else {
            throw ValidationError("""
                no captured content for \(job): the ring buffer has none and no S3 location is known \
                (capture is off unless RAG_CAPTURE_CONTENT is local or s3://…; pass --capture s3://bucket/prefix)
                """)
        }
        print(json ? try CapturedContentRenderer.json(captures) : CapturedContentRenderer.text(captures, source: from), terminator: "")
    }
}
