import AWS
import ArgumentParser
import Curl
import Foundation
import Telemetry

/// `rag-worker slo`: each SLO's attainment over its window, the error budget left, the burn rate
/// over 1 h, 6 h and 3 d, and when the budget runs out at the 6 h rate; from this instance's ring
/// buffer or the fleet's CloudWatch metrics.
struct SLOCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slo",
        abstract: "Show each SLO's attainment, error budget left, burn rates (1h, 6h, 3d) and when the budget runs out."
    )

    @OptionGroup var source: SLOSourceOptions

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() async throws {
        let summary = try await source.summary()
        print(json ? try SLOSummaryRenderer.json(summary) : SLOSummaryRenderer.text(summary), terminator: "")
    }
}

/// Where the SLO numbers come from, shared by `slo` and `report`.
struct SLOSourceOptions: ParsableArguments {
    enum Source: String, ExpressibleByArgument, CaseIterable {
        case ringBuffer = "ring-buffer"
        case cloudwatch
    }

    @Option(help: "ring-buffer (this instance) or cloudwatch (the fleet, via GetMetricData).")
    var source: Source = .ringBuffer

    @Option(help: "The data directory holding telemetry.sqlite (default: RAG_DATA_DIR, else ./data).")
    var dataDir: String?

    @Option(help: "End of the SLO windows, ISO 8601 (default: now).")
    var at: String?

    @Option(help: "SLO file (default: RAG_SLO_FILE, else the file shipped with the binary).")
    var sloFile: String?

    @OptionGroup var cloudWatch: CloudWatchTargetOptions

    func validate() throws {
        if source == .ringBuffer, cloudWatch.endpoint != nil || cloudWatch.logGroup != nil {
            throw ValidationError("--endpoint and --log-group read CloudWatch: add --source cloudwatch")
        }
        if let at, ReportTime.parseNanoseconds(at) == nil { throw ValidationError("cannot read --at \(at): use an ISO 8601 time") }
    }

    func summary() async throws -> SLOSummary {
        let environment = ProcessInfo.processInfo.environment
        let end = at.flatMap(ReportTime.parseNanoseconds).map { Date(timeIntervalSince1970: Double($0) / 1e9) } ?? Date()
        return try await Self.summary(
            source: source, dataDir: dataDir, cloudWatch: cloudWatch,
            objectives: try Self.objectives(path: sloFile, environment: environment), end: end, environment: environment)
    }

    /// The SLO file, or its one-line problem on standard error and exit status 78.
    static func objectives(path: String?, environment: [String: String]) throws -> SLODefinitions {
        do {
            return try SLODefinitions.load(path: path, environment: environment)
        } catch {
            FileHandle.standardError.write(Data("rag-worker: \(error)\n".utf8))
            throw ExitCode(78)
        }
    }

    /// The summary from `source`; `cloudWatch` (parsed options) is read only for CloudWatch.
    static func summary(
        source: Source, dataDir: String?, cloudWatch: CloudWatchTargetOptions, objectives: SLODefinitions, end: Date,
        environment: [String: String]
    ) async throws -> SLOSummary {
        switch source {
        case .ringBuffer:
            return try await SLOStatusBuilder.ringBuffer(try RingBufferOptions.openStore(dataDir: dataDir), objectives: objectives, end: end)
        case .cloudwatch:
            let target = try cloudWatch.target(environment: environment)
            let httpClient = CurlHTTPClient()
            defer { httpClient.shutdown() }
            let aws = AWSClient(environment: environment, httpClient: httpClient)
            FileHandle.standardError.write(Data("reading CloudWatch metrics of \(target.description)\n".utf8))
            let source = AWSMetricStatisticsSource(client: aws, namespace: target.namespace)
            return try await SLOStatusBuilder.cloudWatch(source, endpointName: target.endpointName, objectives: objectives, end: end)
        }
    }
}
