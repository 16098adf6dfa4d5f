import Foundation

/// What an OTLP endpoint said in a response body: the `partial_success` of an
/// `ExportTraceServiceResponse` (spans it rejected and why), or the `message` of a
/// `google.rpc.Status` error body. Both are read from protobuf or JSON as the answer's
/// `Content-Type` (else the request's encoding) says; anything unreadable reads as nothing.
struct OTLPExportResponse: Equatable {
    /// `partial_success.rejected_spans`.
    var rejectedSpans: Int = 0
    /// `partial_success.error_message`, or the error body's `message`, as the peer wrote it
    /// (sanitize before logging).
    var message: String?

    init(rejectedSpans: Int = 0, message: String? = nil) {
        self.rejectedSpans = rejectedSpans
        self.message = message
    }

    /// Reads `body`; `isError` selects the `google.rpc.Status` reading when no partial success is found.
    init(body: Data, contentType: String?, requestEncoding: OTLPConfiguration.Encoding) {
        guard !body.isEmpty, body.count <= 1 << 20 else { return }
        let json = contentType.map { $0.lowercased().contains("json") } ?? (requestEncoding == .json)
        if json {
            self = Self.json(body)
        } else {
            self = Self.protobuf(Array(body))
        }
    }

    private static func json(_ body: Data) -> OTLPExportResponse {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else { return OTLPExportResponse() }
        if let partial = object["partialSuccess"] as? [String: Any] {
            let rejected: Int = switch partial["rejectedSpans"] {
            case let text as String: Int(text) ?? 0
            case let number as NSNumber: number.intValue
            default: 0
            }
            return OTLPExportResponse(rejectedSpans: max(0, rejected), message: partial["errorMessage"] as? String)
        }
        return OTLPExportResponse(message: object["message"] as? String)
    }

    /// `ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1 }` with
    /// `{ int64 rejected_spans = 1; string error_message = 2 }`, or `google.rpc.Status`
    /// `{ int32 code = 1; string message = 2 }`.
    private static func protobuf(_ bytes: [UInt8]) -> OTLPExportResponse {
        var reader = ProtobufReader(bytes)
        var result = OTLPExportResponse()
        while let (field, wire) = reader.nextTag() {
            switch (field, wire) {
            case (1, 2):
                guard let nested = reader.lengthDelimited() else { return result }
                var inner = ProtobufReader(nested)
                while let (innerField, innerWire) = inner.nextTag() {
                    switch (innerField, innerWire) {
                    case (1, 0): result.rejectedSpans = max(0, Int(truncatingIfNeeded: Int64(bitPattern: inner.varint() ?? 0)))
                    case (2, 2): result.message = inner.lengthDelimited().map { String(decoding: $0, as: UTF8.self) }
                    default: guard inner.skip(innerWire) else { return result }
                    }
                }
            case (2, 2):
                result.message = reader.lengthDelimited().map { String(decoding: $0, as: UTF8.self) }
            default:
                guard reader.skip(wire) else { return result }
            }
        }
        return result
    }
}

/// Reads protobuf wire format: just enough for the small OTLP response messages.
struct ProtobufReader {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The next field number and wire type, nil at the end or on malformed input.
    mutating func nextTag() -> (UInt64, UInt64)? {
        guard position < bytes.count, let key = varint() else { return nil }
        return (key >> 3, key & 7)
    }

    mutating func varint() -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while position < bytes.count, shift < 64 {
            let byte = bytes[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        return nil
    }

    mutating func lengthDelimited() -> [UInt8]? {
        guard let length = varint(), length <= UInt64(bytes.count - position) else { return nil }
        defer { position += Int(length) }
        return Array(bytes[position..<(position + Int(length))])
    }

    /// Skips a field of `wire` type; false on malformed input or an unknown type.
    mutating func skip(_ wire: UInt64) -> Bool {
        switch wire {
        case 0: return varint() != nil
        case 1: position += 8
        case 2: return lengthDelimited() != nil
        case 5: position += 4
        default: return false
        }
        return position <= bytes.count
    }
}
