import AWS
import ArgumentParser
import Curl
import Foundation
import Telemetry

/// `rag-worker report`: the latency report for stakeholders, from the ring buffer or CloudWatch.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the report (latency, proposal quality, cost, failures by cause, SLO attainment and budget) as Markdown, CSV or HTML."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case markdown, csv, html
    }

    enum Source: String, ExpressibleByArgument, CaseIterable {
        case ringBuffer = "ring-buffer"
        case cloudwatch
    }

    @OptionGroup var ringBuffer: RingBufferOptions

    @OptionGroup var cloudWatch: CloudWatchTargetOptions

    @Option(help: "markdown, csv or html (a self-contained page with SVG charts).")
    var format: Format = .markdown

    @Option(help: "ring-buffer (this instance) or cloudwatch (the fleet: GetMetricData, ListMetrics, and the log group for failures by cause).")
    var source: Source = .ringBuffer

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    @Option(help: "SLO file of the SLO section (default: RAG_SLO_FILE, else the file shipped with the binary).")
    var sloFile: String?

    func validate() throws {
        if source == .ringBuffer, cloudWatch.endpoint != nil || cloudWatch.logGroup != nil {
            throw ValidationError("--endpoint and --log-group read CloudWatch: add --source cloudwatch")
        }
    }

    func run() async throws {
        let range = try ringBuffer.range()
        let environment = ProcessInfo.processInfo.environment
        let objectives = try SLOSourceOptions.objectives(path: sloFile, environment: environment)
        // The SLO section: each SLO's window ending where the report's range ends.
        let slo = try await SLOSourceOptions.summary(
            source: source == .cloudwatch ? .cloudwatch : .ringBuffer, dataDir: ringBuffer.dataDir, cloudWatch: cloudWatch,
            objectives: objectives, end: range.end, environment: environment)
        let report: LatencyReport
        switch source {
        case .ringBuffer:
            report = try await LatencyReportBuilder(store: try ringBuffer.openStore()).build(range: range)
        case .cloudwatch:
            let target = try cloudWatch.target(environment: environment)
            let httpClient = CurlHTTPClient()
            defer { httpClient.shutdown() }
            let aws = AWSClient(environment: environment, httpClient: httpClient)
            FileHandle.standardError.write(Data("reading CloudWatch metrics and the log group of \(target.description)\n".utf8))
            let source = AWSMetricStatisticsSource(client: aws, namespace: target.namespace)
            let logs = CloudWatchTimelineSource(client: CloudWatchLogsClient(client: aws), logGroup: target.logGroup)
            report = try await CloudWatchReportBuilder(source: source, endpointName: target.endpointName, logs: logs).build(range: range)
            if report.volume == 0 {
                FileHandle.standardError.write(Data("""
                    no finished jobs in CloudWatch for EndpointName=\(target.endpointName) in namespace \(target.namespace) \
                    in this range: check --endpoint, --namespace, the region (AWS_REGION) and --since

                    """.utf8))
            }
        }
        let text = switch format {
        case .markdown: LatencyReportRenderer.markdown(report) + "\n" + SLOSummaryRenderer.markdown(slo)
        case .csv: LatencyReportRenderer.csv(report) + "\n" + SLOSummaryRenderer.csv(slo)
        case .html: SLOSummaryRenderer.appending(slo, toPage: LatencyReportHTML.render(report))
        }
        if let output {
            try Data(text.utf8).write(to: URL(fileURLWithPath: output))
            FileHandle.standardError.write(Data("report written to \(output)\n".utf8))
        } else {
            print(text, terminator: "")
        }
    }
}
