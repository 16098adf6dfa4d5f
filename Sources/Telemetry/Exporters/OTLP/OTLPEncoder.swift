/// Turns span records into OTLP `ExportTraceServiceRequest` bodies, protobuf or JSON.
///
/// Each span is encoded once, on its own, so the exporter knows its exact size before it packs
/// requests; a request is the resource and scope envelope around the spans' bytes. Hand-written
/// for the few messages of `opentelemetry/proto/collector/trace/v1` (docs/architecture.md says why);
/// the tests decode what it writes with the official `opentelemetry-proto` package.
struct OTLPEncoder: Sendable {
    let encoding: OTLPConfiguration.Encoding
    let limits: OTLPAttributeLimits
    /// Resource and scope, encoded once: the protobuf `Resource` and `InstrumentationScope`
    /// messages, or the JSON text before the first span.
    private let head: [UInt8]
    private let resourceField: [UInt8]
    private let scopeField: [UInt8]

    init(encoding: OTLPConfiguration.Encoding, limits: OTLPAttributeLimits, resource: [(key: String, value: TelemetryValue)],
         scopeVersion: String? = nil) {
        self.encoding = encoding
        self.limits = limits
        switch encoding {
        case .protobuf:
            var resourceWriter = ProtobufWriter()
            resourceWriter.message(1) { writer in
                for (key, value) in resource { Self.keyValue(1, key, value, into: &writer) }
            }
            var scopeWriter = ProtobufWriter()
            scopeWriter.message(1) { writer in
                writer.stringField(1, OTLPResource.scopeName)
                if let scopeVersion { writer.stringField(2, scopeVersion) }
            }
            resourceField = resourceWriter.bytes
            scopeField = scopeWriter.bytes
            head = []
        case .json:
            var writer = JSONWriter(capacity: 1024)
            writer.beginObject()
            writer.key("resourceSpans")
            writer.beginArray()
            writer.beginObject()
            writer.key("resource")
            writer.beginObject()
            writer.key("attributes")
            Self.jsonAttributes(resource, into: &writer)
            writer.endObject()
            writer.key("scopeSpans")
            writer.beginArray()
            writer.beginObject()
            writer.key("scope")
            writer.beginObject()
            writer.member("name", OTLPResource.scopeName)
            writer.member("version", scopeVersion)
            writer.endObject()
            writer.key("spans")
            head = writer.bytes + Array("[".utf8)
            resourceField = []
            scopeField = []
        }
    }

    /// The encoded span: a protobuf `Span` message (without its field tag) or a JSON object.
    func encode(_ span: SpanRecord) -> [UInt8] {
        switch encoding {
        case .protobuf: protobufSpan(span)
        case .json: jsonSpan(span)
        }
    }

    /// Bytes a span of `size` encoded bytes adds to a request.
    func cost(ofSpanBytes size: Int) -> Int {
        switch encoding {
        case .protobuf: 1 + ProtobufWriter.varintSize(UInt64(size)) + size
        case .json: size + 1
        }
    }

    /// Bytes of a request around its spans, at most (length prefixes counted at their widest for 5 MB).
    var envelopeBytes: Int {
        switch encoding {
        case .protobuf: 2 * (1 + 4) + resourceField.count + scopeField.count
        case .json: head.count + Self.jsonTail.count
        }
    }

    /// One request holding `spans` (each from ``encode(_:)``).
    func request(_ spans: [[UInt8]]) -> [UInt8] {
        switch encoding {
        case .protobuf:
            var writer = ProtobufWriter(capacity: spans.reduce(envelopeBytes) { $0 + cost(ofSpanBytes: $1.count) })
            writer.message(1) { resourceSpans in
                resourceSpans.appendRaw(resourceField)
                resourceSpans.message(2) { scopeSpans in
                    scopeSpans.appendRaw(scopeField)
                    for span in spans { scopeSpans.messageField(2, encoded: span) }
                }
            }
            return writer.bytes
        case .json:
            var bytes = head
            bytes.reserveCapacity(spans.reduce(envelopeBytes) { $0 + $1.count + 1 })
            for (index, span) in spans.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                bytes.append(contentsOf: span)
            }
            bytes.append(contentsOf: Self.jsonTail)
            return bytes
        }
    }

    private static let jsonTail = Array("]}]}]}".utf8)
}
