import Tracing

/// The attribute limits of the OpenTelemetry SDK configuration, applied when spans leave for an
/// OTLP endpoint (the ring buffer keeps everything): at most `count` attributes per span or
/// event, string values cut to `valueLength` characters, and names in `omitted` left out.
struct OTLPAttributeLimits: Sendable {
    var valueLength: Int
    var count: Int
    var eventCount: Int
    var linkCount: Int
    /// Attribute names that never leave the process (e.g. text kept for the ring buffer only).
    var omitted: Set<String> = []

    init(_ configuration: OTLPConfiguration, omitted: Set<String> = []) {
        valueLength = configuration.attributeValueLengthLimit
        count = configuration.attributeCountLimit
        eventCount = configuration.eventCountLimit
        linkCount = configuration.linkCountLimit
        self.omitted = omitted
    }

    /// The attributes to export, sorted by name (so requests are reproducible), and how many were
    /// dropped by the count limit.
    func prepare(_ attributes: Tracing.SpanAttributes) -> (kept: [(key: String, value: TelemetryValue)], dropped: Int) {
        var kept: [(key: String, value: TelemetryValue)] = []
        kept.reserveCapacity(attributes.count)
        attributes.forEach { key, attribute in
            guard !omitted.contains(key) else { return }
            kept.append((key, cut(TelemetryValue(attribute: attribute))))
        }
        kept.sort { $0.key < $1.key }
        let dropped = max(0, kept.count - count)
        if dropped > 0 { kept.removeLast(dropped) }
        return (kept, dropped)
    }

    /// `value` with every string cut to ``valueLength`` characters.
    func cut(_ value: TelemetryValue) -> TelemetryValue {
        switch value {
        case .string(let text) where text.utf8.count > valueLength && text.count > valueLength:
            return .string(String(text.prefix(valueLength)))
        case .array(let values):
            return .array(values.map(cut))
        case .object(let members):
            return .object(members.mapValues(cut))
        default:
            return value
        }
    }
}
