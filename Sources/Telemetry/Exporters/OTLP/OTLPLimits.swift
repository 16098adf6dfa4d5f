/// What one OTLP export request may hold. The exporter packs requests within these limits, so
/// the endpoint never rejects a request for its size; a span that cannot fit alone is dropped
/// and counted before it is sent.
///
/// The figures are CloudWatch's OTLP traces endpoint's (checked 2026, docs/observability.md,
/// "Traces over OTLP"), the strictest of the common destinations; collectors accept at least as much.
/// [OTLP endpoints](https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-OTLPEndpoint.html)
public struct OTLPLimits: Sendable, Equatable {
    /// Spans in one request: 10,000.
    public var maxSpansPerRequest: Int
    /// Uncompressed bytes of one request: 5 MB (taken as 5,000,000 bytes).
    public var maxRequestBytes: Int
    /// Encoded bytes of one span: 200 KB (taken as 200,000 bytes).
    public var maxSpanBytes: Int
    /// Spans ending more than this before now are not sent: 14 days.
    public var maxAge: Duration
    /// Spans ending more than this after now are not sent: 2 hours.
    public var maxFuture: Duration
    /// The spans of one request start within this of each other: 24 hours.
    public var maxTimeSpan: Duration

    public init(maxSpansPerRequest: Int, maxRequestBytes: Int, maxSpanBytes: Int, maxAge: Duration, maxFuture: Duration,
                maxTimeSpan: Duration) {
        self.maxSpansPerRequest = maxSpansPerRequest
        self.maxRequestBytes = maxRequestBytes
        self.maxSpanBytes = maxSpanBytes
        self.maxAge = maxAge
        self.maxFuture = maxFuture
        self.maxTimeSpan = maxTimeSpan
    }

    /// CloudWatch's OTLP traces endpoint.
    public static let cloudWatch = OTLPLimits(
        maxSpansPerRequest: 10_000, maxRequestBytes: 5_000_000, maxSpanBytes: 200_000,
        maxAge: .seconds(14 * 86_400), maxFuture: .seconds(2 * 3_600), maxTimeSpan: .seconds(24 * 3_600))
}
