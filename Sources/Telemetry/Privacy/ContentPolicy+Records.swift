import Logging
import Tracing

/// The policy applied to whole records: what the exporters receive instead of what was written.
extension ContentPolicy {
    /// `record` as it may leave the process.
    public func outbound(_ record: TelemetryRecord) -> TelemetryRecord {
        switch record {
        case .span(let span): .span(outbound(span))
        case .log(let log): .log(outbound(log))
        case .metric(let metric): .metric(outbound(metric))
        }
    }

    /// A span with each attribute, event and error message checked, its name and status message too.
    public func outbound(_ span: SpanRecord) -> SpanRecord {
        var result = span
        result.name = Self.isSpanName(span.name) ? span.name : Self.withheld(span.name.count)
        result.attributes = outbound(span.attributes)
        result.events = span.events.map { event in
            SpanEvent(name: outbound(event.name, as: .label),
                      at: DefaultTracerClock.Timestamp(nanosecondsSinceEpoch: event.nanosecondsSinceEpoch),
                      attributes: outbound(event.attributes))
        }
        if let status = span.status, let message = status.message {
            result.status = SpanStatus(code: status.code, message: outbound(message, as: .diagnostic))
        }
        result.errors = span.errors.map { error in
            SpanRecord.RecordedError(type: outbound(error.type, as: .errorCode), message: outbound(error.message, as: .diagnostic),
                                     nanosecondsSinceEpoch: error.nanosecondsSinceEpoch)
        }
        return result
    }

    /// Whether `name` has the shape of a span name the worker gives: one label, or up to three
    /// separated by single spaces, as the GenAI conventions name model calls (`chat gpt-4o-mini`).
    /// One pass over the bytes, no allocation: it runs for every exported span.
    static func isSpanName(_ name: String) -> Bool {
        guard name.utf8.count <= 256 else { return false }
        var spaces = 0
        var afterSpace = true  // the start counts as one: no leading space, no empty name
        for byte in name.utf8 {
            if byte == 0x20 {
                spaces += 1
                guard !afterSpace, spaces <= 2 else { return false }
                afterSpace = true
            } else {
                // A label's characters: printable ASCII without the space.
                guard byte > 0x20, byte < 0x7F else { return false }
                afterSpace = false
            }
        }
        return !afterSpace
    }

    /// A log record with its message, error and every metadata value checked.
    public func outbound(_ log: LogRecord) -> LogRecord {
        var result = log
        result.label = outbound(log.label, as: .label)
        result.source = log.source.isEmpty ? "" : outbound(log.source, as: .label)
        result.message = outbound(log.message, as: .diagnostic)
        result.error = log.error.map { outbound($0, as: .diagnostic) }
        var metadata: Logger.Metadata = [:]
        var unnamed = 0
        for (key, value) in log.metadata {
            let kind = Self.classify(key)
            if Self.isName(key) {
                metadata[key] = outbound(value, as: kind)
            } else {
                unnamed += 1
                metadata["\(Self.withheldKey).\(unnamed)"] = outbound(value, as: .content)
            }
        }
        result.metadata = metadata
        return result
    }

    /// A metric interval with its name and dimension values checked (the values are numbers).
    public func outbound(_ metric: MetricAggregate) -> MetricAggregate {
        var result = metric
        result.name = outbound(metric.name, as: .label)
        result.dimensions = metric.dimensions.map { dimension in
            MetricDimensionValue(
                Self.isName(dimension.key) ? dimension.key : Self.withheldKey,
                outbound(dimension.value, as: MetricDimension(rawValue: dimension.key) == nil ? .content : .providerName))
        }
        return result
    }

    /// Span (or span event) attributes, each checked against the class of its name.
    func outbound(_ attributes: Tracing.SpanAttributes) -> Tracing.SpanAttributes {
        var result: Tracing.SpanAttributes = [:]
        var unnamed = 0
        attributes.forEach { key, value in
            var name = key
            var kind = Self.classify(key)
            if !Self.isName(key) {
                unnamed += 1
                name = "\(Self.withheldKey).\(unnamed)"
                kind = .content
            }
            result.set(name, value: outbound(value, as: kind))
        }
        return result
    }

    private func outbound(_ value: SpanAttribute, as kind: ContentClass) -> SpanAttribute {
        switch value {
        case .string(let text):
            return .string(outbound(text, as: kind))
        case .stringArray(let texts):
            return .stringArray(texts.map { outbound($0, as: kind) })
        case .stringConvertible(let convertible):
            return .string(outbound(convertible.description, as: kind))
        case .stringConvertibleArray(let convertibles):
            return .stringArray(convertibles.map { outbound($0.description, as: kind) })
        case .int32, .int64, .double, .bool, .int32Array, .int64Array, .doubleArray, .boolArray:
            return value
        default:
            return .string(outbound("\(value)", as: kind))
        }
    }

    private func outbound(_ value: Logger.MetadataValue, as kind: ContentClass) -> Logger.MetadataValue {
        switch value {
        case .string(let text):
            return .string(outbound(text, as: kind))
        case .stringConvertible(let convertible):
            return .string(outbound(convertible.description, as: kind))
        case .array(let values):
            return .array(values.map { outbound($0, as: kind) })
        case .dictionary(let members):
            // A nested object's keys are no field names of ours: its values keep the outer class
            // only when that class leaves, and its keys must still be names.
            var result: Logger.Metadata = [:]
            var unnamed = 0
            for (key, member) in members {
                if Self.isName(key) {
                    result[key] = outbound(member, as: kind)
                } else {
                    unnamed += 1
                    result["\(Self.withheldKey).\(unnamed)"] = outbound(member, as: .content)
                }
            }
            return .dictionary(result)
        }
    }
}
