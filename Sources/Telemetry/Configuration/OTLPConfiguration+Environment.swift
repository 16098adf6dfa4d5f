import Foundation

extension OTLPConfiguration {
    /// Headers the exporter sets itself; configuring one is an error.
    static let reservedHeaders: Set<String> = ["content-type", "content-encoding", "content-length", "host", "transfer-encoding"]

    /// The samplers of the OpenTelemetry SDK configuration this exporter implements. The worker
    /// starts every trace itself (a caller's `traceparent` becomes a link), so a parent-based
    /// sampler decides as its root sampler does.
    static let samplers = ["always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off",
                           "parentbased_traceidratio"]

    /// Reads the OTLP settings, reporting each bad variable to `reader`.
    init(reader: inout SettingsReader) {
        self.init()
        func value(_ generic: String, _ traces: String) -> (key: String, value: String)? {
            if let value = reader.string(traces) { return (traces, value) }
            return reader.string(generic).map { (generic, $0) }
        }

        let disabled = reader.flag("OTEL_SDK_DISABLED", default: false)
        var exporterOn = true
        if let exporter = reader.string("OTEL_TRACES_EXPORTER")?.lowercased() {
            switch exporter {
            case "otlp": exporterOn = true
            case "none": exporterOn = false
            default: reader.report("OTEL_TRACES_EXPORTER", "must be otlp or none, got \"\(exporter)\"")
            }
        }
        let xray = reader.flag("RAG_XRAY", default: false)
        var url: String?
        if let traces = reader.string("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") {
            url = Self.checkedURL(traces, variable: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", reader: &reader)
        } else if let base = reader.string("OTEL_EXPORTER_OTLP_ENDPOINT") {
            // The base URL gets the signal's path, as the specification asks.
            url = Self.checkedURL(base, variable: "OTEL_EXPORTER_OTLP_ENDPOINT", reader: &reader)
                .map { ($0.hasSuffix("/") ? String($0.dropLast()) : $0) + "/v1/traces" }
        }
        if !disabled && exporterOn {
            destination = xray ? .xray : url.map(Destination.url)
            // With RAG_XRAY a configured endpoint replaces the region's; the requests are signed all the same.
            if xray { xrayTracesURL = url }
        }

        if let (key, raw) = value("OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS") {
            do {
                let pairs = try KeyValueList.parse(raw)
                for pair in pairs {
                    if !KeyValueList.isHeaderName(pair.key) {
                        reader.report(key, "header name \"\(pair.key.prefix(64))\" is not a valid HTTP field name")
                    } else if Self.reservedHeaders.contains(pair.key.lowercased()) {
                        reader.report(key, "header \(pair.key) is set by the exporter")
                    } else if xray, pair.key.lowercased() == "authorization" {
                        reader.report(key, "Authorization cannot be set when RAG_XRAY is on (requests are signed with SigV4)")
                    } else if !KeyValueList.isHeaderValue(pair.value) {
                        // The value is a secret: say what is wrong, never what it is.
                        reader.report(key, "the value of header \(pair.key) has characters an HTTP header cannot carry")
                    } else {
                        headers.append((pair.key, pair.value))
                    }
                }
            } catch {
                reader.report(key, "is malformed: \(error.problem) (expected name=value pairs separated by commas)")
            }
        }
        if let (key, raw) = value("OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") {
            if let encoding = Encoding(rawValue: raw.lowercased()) {
                self.encoding = encoding
            } else {
                reader.report(key, "must be http/protobuf or http/json, got \"\(raw.prefix(32))\" (grpc is not supported)")
            }
        }
        if let (key, raw) = value("OTEL_EXPORTER_OTLP_COMPRESSION", "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION") {
            if let compression = Compression(rawValue: raw.lowercased()) {
                self.compression = compression
            } else {
                reader.report(key, "must be gzip or none, got \"\(raw.prefix(32))\"")
            }
        }
        if let (key, raw) = value("OTEL_EXPORTER_OTLP_TIMEOUT", "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT") {
            if let milliseconds = Int(raw), (1...600_000).contains(milliseconds) {
                timeout = .milliseconds(milliseconds)
            } else {
                reader.report(key, "must be milliseconds in 1...600000, got \"\(raw.prefix(32))\"")
            }
        }
        sampler = Self.sampler(reader: &reader)
        serviceName = reader.name("OTEL_SERVICE_NAME", default: "rag-worker", maxLength: 255)
        if let raw = reader.string("OTEL_RESOURCE_ATTRIBUTES") {
            do {
                resourceAttributes = try KeyValueList.parse(raw)
            } catch {
                reader.report("OTEL_RESOURCE_ATTRIBUTES", "is malformed: \(error.problem) (expected key=value pairs separated by commas)")
            }
        }
        if reader.string("OTEL_SERVICE_NAME") == nil, let named = resourceAttributes.last(where: { $0.key == "service.name" }) {
            serviceName = named.value
        }
        scheduleDelay = .milliseconds(reader.int("OTEL_BSP_SCHEDULE_DELAY", default: 5_000, range: 10...600_000))
        queueCapacity = reader.int("OTEL_BSP_MAX_QUEUE_SIZE", default: 20_000, range: 100...10_000_000)
        maxExportBatchSize = reader.int("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", default: OTLPLimits.cloudWatch.maxSpansPerRequest,
                                        range: 1...OTLPLimits.cloudWatch.maxSpansPerRequest)
        let valueLimit = reader.string("OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT") != nil
            ? "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT" : "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT"
        attributeValueLengthLimit = reader.int(valueLimit, default: 4_096, range: 16...65_536)
        let countLimit = reader.string("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT") != nil ? "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT" : "OTEL_ATTRIBUTE_COUNT_LIMIT"
        attributeCountLimit = reader.int(countLimit, default: 128, range: 1...1_024)
        eventCountLimit = reader.int("OTEL_SPAN_EVENT_COUNT_LIMIT", default: 128, range: 0...1_024)
        linkCountLimit = reader.int("OTEL_SPAN_LINK_COUNT_LIMIT", default: 128, range: 0...1_024)
        region = reader.string("AWS_REGION") ?? reader.string("AWS_DEFAULT_REGION")
        profile = reader.string("RAG_PROFILE") ?? "local"
        if xray, region == nil {
            reader.report("RAG_XRAY", "is on, but no AWS region is set (AWS_REGION): requests are signed for xray in that region")
        }
    }

    /// An `http` or `https` URL with a host, or nil (reported).
    private static func checkedURL(_ raw: String, variable: String, reader: inout SettingsReader) -> String? {
        guard let components = URLComponents(string: raw), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty,
              components.user == nil, components.password == nil
        else {
            reader.report(variable, "must be an http:// or https:// URL with a host (and no credentials in it)")
            return nil
        }
        return raw
    }

    private static func sampler(reader: inout SettingsReader) -> Sampler {
        var sampler = Sampler()
        guard let name = reader.string("OTEL_TRACES_SAMPLER")?.lowercased() else {
            if reader.string("OTEL_TRACES_SAMPLER_ARG") != nil {
                reader.report("OTEL_TRACES_SAMPLER_ARG", "is set, but OTEL_TRACES_SAMPLER is not a ratio sampler")
            }
            return sampler
        }
        guard samplers.contains(name) else {
            reader.report("OTEL_TRACES_SAMPLER", "must be one of \(samplers.joined(separator: ", ")), got \"\(name.prefix(40))\"")
            return sampler
        }
        sampler.name = name
        switch name {
        case "always_on", "parentbased_always_on": sampler.ratio = 1
        case "always_off", "parentbased_always_off": sampler.ratio = 0
        default:
            if let raw = reader.string("OTEL_TRACES_SAMPLER_ARG") {
                if let ratio = Double(raw), (0...1).contains(ratio) {
                    sampler.ratio = ratio
                } else {
                    reader.report("OTEL_TRACES_SAMPLER_ARG", "must be a ratio in 0...1, got \"\(raw.prefix(32))\"")
                }
            }
        }
        return sampler
    }
}
