import AWS
import ArgumentParser
import Curl
import Foundation
import Telemetry

/// `rag-worker postmortem`: from this instance's telemetry ring buffer, the slowest jobs, the
/// failed jobs with their span timelines, or one job by job id or trace id.
struct PostmortemCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "postmortem",
        abstract: "Show the slowest and failed jobs (with their span timelines) from the telemetry ring buffer.",
        discussion: """
            Works while the worker runs and after it was killed: the ring buffer is committed every second. \
            On SageMaker the ring buffer stays on the instance: read one job from the endpoint's log group \
            instead with --source cloudwatch --endpoint NAME --job ID. \
            With --content, a job's captured prompts and model replies (RAG_CAPTURE_CONTENT): from the \
            ring buffer (local), or from the S3 object its rag.job span names (s3://…).
            """
    )

    enum Source: String, ExpressibleByArgument, CaseIterable {
        case ringBuffer = "ring-buffer"
        case cloudwatch
    }

    @OptionGroup var ringBuffer: RingBufferOptions

    @Option(help: "ring-buffer (this instance's telemetry.sqlite) or cloudwatch (the endpoint's log group; needs --job).")
    var source: Source = .ringBuffer

    @OptionGroup var cloudWatch: CloudWatchTargetOptions

    @Argument(help: "The job to show (the same as --job).")
    var jobArgument: String?

    @Option(name: .customLong("job"), help: "Show one job: its job id or its 32-hex-digit trace id.")
    var jobOption: String?

    /// The job asked for, positionally or with `--job`.
    var job: String? { jobOption ?? jobArgument }

    @Flag(help: "Show the job's captured prompts and raw model replies (needs a job; see RAG_CAPTURE_CONTENT).")
    var content = false

    @Option(help: "Where captures are when the spans do not say: s3://bucket/prefix (default: $RAG_CAPTURE_CONTENT).")
    var capture: String?

    @Option(help: "How many of the slowest jobs to list.")
    var slowest = 10

    @Option(help: "How many failed jobs to show, most recent first.")
    var failed = 10

    @Option(help: "List the N least grounded proposals of the range with their unsupported sentences (ring buffer).")
    var worstGrounded: Int?

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func validate() throws {
        if jobArgument != nil, jobOption != nil, jobArgument != jobOption {
            throw ValidationError("give the job once: as an argument or with --job")
        }
        if content, job == nil {
            throw ValidationError("--content shows one job's captured prompts and replies: name the job (postmortem JOB_ID --content)")
        }
        if source == .cloudwatch, job == nil {
            throw ValidationError("--source cloudwatch shows one job: add --job JOB_ID (or its trace id)")
        }
        if source == .ringBuffer, cloudWatch.endpoint != nil || cloudWatch.logGroup != nil {
            throw ValidationError("--endpoint and --log-group read CloudWatch: add --source cloudwatch")
        }
        if let worstGrounded {
            guard worstGrounded > 0 else { throw ValidationError("--worst-grounded takes a positive number of proposals") }
            guard source == .ringBuffer else {
                throw ValidationError("--worst-grounded reads the ring buffer: the unsupported sentences never leave the instance")
            }
            guard job == nil else { throw ValidationError("--worst-grounded lists jobs: leave out --job") }
        }
    }

    func run() async throws {
        if content, let job {
            try await runContent(job: job)
            return
        }
        if source == .cloudwatch, let job {
            try await runFromCloudWatch(job: job)
            return
        }
        let query = PostmortemQuery(store: try ringBuffer.openStore())
        if let worstGrounded {
            let range = try ringBuffer.range()
            let runs = try await query.worstGrounded(range: range, count: worstGrounded)
            print(json ? try PostmortemRenderer.json(runs) : PostmortemRenderer.worstGrounded(runs, range: range), terminator: "")
            return
        }
        if let job {
            guard let timeline = try await query.job(job) else {
                throw ValidationError("the ring buffer has no spans or logs for \(job)")
            }
            print(json ? try PostmortemRenderer.json(timeline) : PostmortemRenderer.text(timeline), terminator: json ? "" : "\n")
            return
        }
        let report = try await query.report(range: try ringBuffer.range(), slowestCount: slowest, failedCount: failed)
        print(json ? try PostmortemRenderer.json(report) : PostmortemRenderer.text(report), terminator: "")
    }
}

extension PostmortemCommand {
    /// One job's timeline from the events the worker exported to its log group.
    private func runFromCloudWatch(job: String) async throws {
        let environment = ProcessInfo.processInfo.environment
        let target = try cloudWatch.target(environment: environment)
        let httpClient = CurlHTTPClient()
        defer { httpClient.shutdown() }
        let logs = CloudWatchLogsClient(client: AWSClient(environment: environment, httpClient: httpClient))
        FileHandle.standardError.write(Data("reading CloudWatch Logs of \(target.description)\n".utf8))
        let source = CloudWatchTimelineSource(client: logs, logGroup: target.logGroup)
        guard let timeline = try await source.job(job, range: try ringBuffer.range()) else {
            throw ValidationError("log group \(target.logGroup) has no spans or logs for \(job) in this range (widen it with --since)")
        }
        print(json ? try PostmortemRenderer.json(timeline) : PostmortemRenderer.text(timeline), terminator: json ? "" : "\n")
    }
}

/// Where the ring buffer is and which time range to read, shared by `postmortem` and `report`.
struct RingBufferOptions: ParsableArguments {
    @Option(help: "The data directory holding telemetry.sqlite (default: RAG_DATA_DIR, else ./data).")
    var dataDir: String?

    @Option(help: "Start of the range: a duration back from --until (90m, 24h, 7d) or an ISO 8601 time.")
    var since = "24h"

    @Option(help: "End of the range, ISO 8601 (default: now).")
    var until: String?

    func range() throws -> ReportRange {
        guard let range = ReportRange.parse(since: since, until: until) else {
            throw ValidationError("cannot read --since \(since)\(until.map { " --until \($0)" } ?? ""): use 24h, 7d, or ISO 8601 times")
        }
        return range
    }

    func telemetryConfiguration() throws -> TelemetryConfiguration {
        try Self.telemetryConfiguration(dataDir: dataDir)
    }

    static func telemetryConfiguration(dataDir: String?) throws -> TelemetryConfiguration {
        do {
            var configuration = try TelemetryConfiguration(environment: ProcessInfo.processInfo.environment)
            if let dataDir { configuration.dataDirectory = dataDir }
            return configuration
        } catch let error as TelemetryConfigurationError {
            FileHandle.standardError.write(Data("rag-worker: \(error)\n".utf8))
            throw ExitCode(78)
        }
    }

    /// Opens the ring buffer; never creates one where none exists.
    func openStore() throws -> RingBufferStore {
        try Self.openStore(dataDir: dataDir)
    }

    /// Opens the ring buffer of `dataDir` (else `RAG_DATA_DIR`, else ./data); never creates one.
    static func openStore(dataDir: String?) throws -> RingBufferStore {
        let configuration = try telemetryConfiguration(dataDir: dataDir)
        let path = configuration.ringBufferPath
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("no telemetry ring buffer at \(path) (set --data-dir or RAG_DATA_DIR)")
        }
        return try RingBufferStore(path: path, limits: RingBufferLimits(
            maxRows: configuration.ringBufferMaxRows, maxBytes: configuration.ringBufferMaxBytes))
    }
}
