import AWS
import Curl
import Foundation
import Logging

extension TelemetrySystem {
    /// The contract the worker uses: CloudWatch destinations from an `AWSClient` when
    /// `RAG_CLOUDWATCH` is on, the S3 capture destination when `RAG_CAPTURE_CONTENT` is `s3://…`
    /// (pass nil when neither is), and the OTLP sink the configuration names
    /// (``otlpSink(for:environment:httpClient:logger:)``).
    ///
    /// - Throws: ``TelemetryConfigurationError`` when CloudWatch or S3 capture is on and `aws` is
    ///   nil, or OTLP is on and `otlpSink` is nil; `SQLiteError` when the ring buffer cannot be opened.
    public convenience init(
        configuration: TelemetryConfiguration, logLevel: Logger.Level, aws: AWSClient?, otlpSink: (any OTLPTraceSink)? = nil,
        clock: some Clock<Duration> = ContinuousClock(), logOutput: (any LogLineWriter)? = StandardOutputLogWriter(),
        shutdownDeadline: ShutdownDeadline = .none
    ) throws {
        let destinations = aws.map { CloudWatchDestinations(logs: AWSLogEventsSink(client: $0), metrics: AWSMetricDataSink(client: $0)) }
        var capture: (any ContentCaptureDestination)?
        if case .s3(let bucket, let prefix) = configuration.contentCapture, let aws {
            capture = S3CaptureDestination(client: S3Client(client: aws), bucket: bucket, prefix: prefix)
        }
        try self.init(
            configuration: configuration, logLevel: logLevel, destinations: destinations, otlpSink: otlpSink,
            captureDestination: capture, clock: clock, logOutput: logOutput, shutdownDeadline: shutdownDeadline)
    }

    /// The OTLP destination of `configuration`: nil when OTLP is off, a plain HTTP sink for a
    /// configured URL, or CloudWatch's endpoint signed with the credentials chain of
    /// `environment` (`RAG_XRAY=on`), at a configured traces URL when there is one.
    public static func otlpSink(
        for configuration: OTLPConfiguration, environment: [String: String], httpClient: any HTTPClient, logger: Logger
    ) -> (any OTLPTraceSink)? {
        switch configuration.destination {
        case nil: nil
        case .url(let url): HTTPOTLPTraceSink(url: url, client: httpClient)
        case .xray:
            if let url = configuration.xrayTracesURL, let (base, path) = splitTracesURL(url) {
                XRayOTLPTraceSink(client: AWSClient(environment: environment.merging(["AWS_ENDPOINT_URL_XRAY": base]) { $1 },
                                                    httpClient: httpClient, logger: logger),
                                  tracesPath: path)
            } else {
                XRayOTLPTraceSink(client: AWSClient(environment: environment, httpClient: httpClient, logger: logger))
            }
        }
    }

    /// `scheme://host[:port]` and the path of an absolute traces URL (the configuration checked it).
    static func splitTracesURL(_ url: String) -> (base: String, path: String)? {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else { return nil }
        let base = "\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? "")
        return (base, components.path.isEmpty ? XRayClient.defaultTracesPath : components.path)
    }
}
