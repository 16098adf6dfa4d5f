/// The OTLP/HTTP trace exporter's settings, from the standard OpenTelemetry variables plus
/// `RAG_XRAY` (docs/configuration.md, "Traces over OTLP"). Built by
/// ``TelemetryConfiguration/init(environment:)``; tests adjust the `var`s.
public struct OTLPConfiguration: Sendable {
    /// The body format (`OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL`).
    public enum Encoding: String, Sendable, CaseIterable {
        /// `http/protobuf` (the default of the specification and of every collector).
        case protobuf = "http/protobuf"
        /// `http/json`: OTLP/JSON, ids as hex.
        case json = "http/json"

        /// The request's `Content-Type`.
        public var contentType: String {
            switch self {
            case .protobuf: "application/x-protobuf"
            case .json: "application/json"
            }
        }
    }

    /// `OTEL_EXPORTER_OTLP_[TRACES_]COMPRESSION`: `gzip` (our default) or `none`.
    public enum Compression: String, Sendable, CaseIterable {
        case gzip
        case none
    }

    /// Where spans go.
    public enum Destination: Sendable, Equatable {
        /// A collector or vendor at this traces URL (`…/v1/traces`), sent as configured.
        case url(String)
        /// CloudWatch's OTLP endpoint for the AWS region (or `AWS_ENDPOINT_URL_XRAY`), signed
        /// with SigV4 for service `xray` from the worker's credentials chain (`RAG_XRAY=on`);
        /// ``OTLPConfiguration/xrayTracesURL`` replaces the derived URL when set.
        case xray
    }

    /// Which traces are exported (`OTEL_TRACES_SAMPLER`, `OTEL_TRACES_SAMPLER_ARG`). Traces with a
    /// failed span or lasting longer than ``keepTracesLongerThan`` are exported whatever it says.
    public struct Sampler: Sendable, Equatable {
        /// The sampler's name as configured, e.g. `parentbased_traceidratio`.
        public var name: String
        /// The fraction of traces kept by trace id (1 for `always_on`, 0 for `always_off`).
        public var ratio: Double
        /// Traces longer than this (from their first span's start) are kept: the job deadline.
        public var keepTracesLongerThan: Duration

        public init(name: String = "parentbased_always_on", ratio: Double = 1, keepTracesLongerThan: Duration = .seconds(120)) {
            self.name = name
            self.ratio = ratio
            self.keepTracesLongerThan = keepTracesLongerThan
        }

        /// True when every trace is exported (no holding back, nothing to decide).
        public var keepsEverything: Bool { ratio >= 1 }
    }

    /// With `RAG_XRAY=on`, an OTLP traces URL that replaces the one derived from the region (a VPC
    /// endpoint, a proxy, a loopback test endpoint): requests go there, still signed for `xray`.
    public var xrayTracesURL: String?
    /// Nil when the exporter is off: no endpoint configured, `OTEL_SDK_DISABLED=true` or
    /// `OTEL_TRACES_EXPORTER=none`.
    public var destination: Destination?
    /// `OTEL_EXPORTER_OTLP_[TRACES_]HEADERS`: secret (values redacted by `rag-worker config`, never logged).
    public var headers: [(name: String, value: String)]
    public var encoding: Encoding
    public var compression: Compression
    /// `OTEL_EXPORTER_OTLP_[TRACES_]TIMEOUT` (milliseconds), default 10 s: one request's time limit.
    public var timeout: Duration
    public var sampler: Sampler
    /// `OTEL_SERVICE_NAME`, default `rag-worker` (it wins over `service.name` in the resource attributes).
    public var serviceName: String
    /// `OTEL_RESOURCE_ATTRIBUTES`: `key=value` pairs added to (and overriding) the resource.
    public var resourceAttributes: [(key: String, value: String)]
    /// `OTEL_BSP_SCHEDULE_DELAY` (milliseconds), default 5 s: how often queued spans are sent.
    public var scheduleDelay: Duration
    /// `OTEL_BSP_MAX_QUEUE_SIZE`, default 20,000: spans waiting; the oldest are dropped (and counted).
    public var queueCapacity: Int
    /// `OTEL_BSP_MAX_EXPORT_BATCH_SIZE`, default and at most 10,000 (CloudWatch's limit per request):
    /// spans that wake the exporter before the schedule, and the most one request carries.
    public var maxExportBatchSize: Int
    /// `OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT` (or `OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`), default
    /// 4,096: longer string values are cut, so a span stays far below the 200 KB a span may take.
    public var attributeValueLengthLimit: Int
    /// `OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT` (or `OTEL_ATTRIBUTE_COUNT_LIMIT`), default 128.
    public var attributeCountLimit: Int
    /// `OTEL_SPAN_EVENT_COUNT_LIMIT`, default 128.
    public var eventCountLimit: Int
    /// `OTEL_SPAN_LINK_COUNT_LIMIT`, default 128.
    public var linkCountLimit: Int
    /// `AWS_REGION` (or `AWS_DEFAULT_REGION`), for `cloud.region`; nil when unset.
    public var region: String?
    /// `RAG_PROFILE`, the default of `deployment.environment.name`.
    public var profile: String

    /// Whether spans are exported over OTLP at all.
    public var isEnabled: Bool { destination != nil }

    /// The exporter's name in logs and as the `Provider` of its self-monitoring metrics.
    public var exporterName: String { destination == .xray ? "otlp-xray" : "otlp" }

    /// An exporter that is off, with the documented defaults.
    public init() {
        destination = nil
        xrayTracesURL = nil
        headers = []
        encoding = .protobuf
        compression = .gzip
        timeout = .seconds(10)
        sampler = Sampler()
        serviceName = "rag-worker"
        resourceAttributes = []
        scheduleDelay = .seconds(5)
        queueCapacity = 20_000
        maxExportBatchSize = OTLPLimits.cloudWatch.maxSpansPerRequest
        attributeValueLengthLimit = 4_096
        attributeCountLimit = 128
        eventCountLimit = 128
        linkCountLimit = 128
        region = nil
        profile = "local"
    }
}
