import Logging
import Tracing

/// A JSON-shaped value: what span attributes and log metadata become when they are stored or exported.
public indirect enum TelemetryValue: Sendable, Equatable {
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case array([TelemetryValue])
    case object([String: TelemetryValue])

    /// The value as one line of text (arrays joined with commas), for columns and terminal output.
    public var text: String {
        switch self {
        case .string(let value): value
        case .int(let value): String(value)
        case .double(let value): String(value)
        case .bool(let value): value ? "true" : "false"
        case .array(let values): values.map(\.text).joined(separator: ",")
        case .object(let members): members.keys.sorted().map { "\($0)=\(members[$0]!.text)" }.joined(separator: ",")
        }
    }

    public init(attribute: SpanAttribute) {
        switch attribute {
        case .int32(let value): self = .int(Int64(value))
        case .int64(let value): self = .int(value)
        case .double(let value): self = .double(value)
        case .bool(let value): self = .bool(value)
        case .string(let value): self = .string(value)
        case .int32Array(let values): self = .array(values.map { .int(Int64($0)) })
        case .int64Array(let values): self = .array(values.map { .int($0) })
        case .doubleArray(let values): self = .array(values.map { .double($0) })
        case .boolArray(let values): self = .array(values.map { .bool($0) })
        case .stringArray(let values): self = .array(values.map { .string($0) })
        case .stringConvertible(let value): self = .string(value.description)
        case .stringConvertibleArray(let values): self = .array(values.map { .string($0.description) })
        default: self = .string("\(attribute)")
        }
    }

    public init(metadata: Logger.MetadataValue) {
        switch metadata {
        case .string(let value): self = .string(value)
        case .stringConvertible(let value): self = .string(value.description)
        case .array(let values): self = .array(values.map(TelemetryValue.init(metadata:)))
        case .dictionary(let members): self = .object(members.mapValues(TelemetryValue.init(metadata:)))
        }
    }
}

extension TelemetryValue {
    /// Span attributes as a JSON object.
    static func object(_ attributes: Tracing.SpanAttributes) -> [String: TelemetryValue] {
        var members: [String: TelemetryValue] = [:]
        members.reserveCapacity(attributes.count)
        attributes.forEach { key, value in members[key] = TelemetryValue(attribute: value) }
        return members
    }
}
