/// The resource every exported span carries: who sent it, as the OpenTelemetry semantic
/// conventions name it, then `OTEL_RESOURCE_ATTRIBUTES` (which override), then
/// `OTEL_SERVICE_NAME` (which wins over all for `service.name`).
enum OTLPResource {
    /// The instrumentation scope of every span.
    static let scopeName = "rag-worker"

    /// The resource attributes for `configuration`, sorted by name.
    static func attributes(_ configuration: TelemetryConfiguration) -> [(key: String, value: TelemetryValue)] {
        let otlp = configuration.otlp
        var attributes: [String: TelemetryValue] = [
            "service.name": .string(otlp.serviceName),
            "deployment.environment.name": .string(otlp.profile),
            "telemetry.sdk.name": .string(scopeName),
            "telemetry.sdk.language": .string("swift"),
            "service.instance.id": .string(configuration.logStreamName),
            "rag.endpoint.name": .string(configuration.endpointName),
        ]
        if let region = otlp.region {
            attributes["cloud.provider"] = .string("aws")
            attributes["cloud.region"] = .string(region)
        }
        if configuration.cloudWatchEnabled || otlp.destination == .xray {
            // The console's trace view looks the trace's log lines up in these groups.
            attributes["aws.log.group.names"] = .array([.string(configuration.logGroupName)])
            attributes["cloud.provider"] = .string("aws")
        }
        for (key, value) in otlp.resourceAttributes {
            attributes[key] = .string(value)
        }
        attributes["service.name"] = .string(otlp.serviceName)
        return attributes.keys.sorted().map { ($0, attributes[$0]!) }
    }
}
