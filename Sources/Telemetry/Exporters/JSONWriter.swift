import Tracing

/// A small, fast JSON writer that appends UTF-8 bytes to a buffer.
///
/// Telemetry encodes every span and log record once or twice; `JSONEncoder` costs several
/// microseconds per record, this writer a fraction of that. It writes compact JSON with keys in
/// the order they are given; NaN and infinity become `null`.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    /// One entry per open container: whether the next member needs a comma first.
    private var needsComma: [Bool] = [false]

    init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }

    mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma.append(false)
    }

    mutating func endObject() {
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma.append(false)
    }

    mutating func endArray() {
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    /// Writes `"name":`; the next value call writes the member's value.
    mutating func key(_ name: String) {
        separate()
        appendQuoted(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma[needsComma.count - 1] = false
    }

    mutating func value(_ text: String) {
        separate()
        appendQuoted(text)
    }

    mutating func value(_ number: Int64) {
        separate()
        appendDigits(number)
    }

    mutating func value(_ number: Int) {
        value(Int64(number))
    }

    mutating func value(_ number: UInt64) {
        separate()
        bytes.append(contentsOf: String(number).utf8)
    }

    mutating func value(_ number: Double) {
        separate()
        guard number.isFinite else {
            bytes.append(contentsOf: "null".utf8)
            return
        }
        if number == number.rounded(), abs(number) < 1e15 {
            appendDigits(Int64(number))
        } else {
            bytes.append(contentsOf: number.description.utf8)
        }
    }

    mutating func value(_ flag: Bool) {
        separate()
        bytes.append(contentsOf: (flag ? "true" : "false").utf8)
    }

    mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
    }

    mutating func value(_ value: TelemetryValue) {
        switch value {
        case .string(let text): self.value(text)
        case .int(let number): self.value(number)
        case .double(let number): self.value(number)
        case .bool(let flag): self.value(flag)
        case .array(let values):
            beginArray()
            for element in values { self.value(element) }
            endArray()
        case .object(let members):
            beginObject()
            for name in members.keys.sorted() {
                key(name)
                self.value(members[name]!)
            }
            endObject()
        }
    }

    /// A quoted ISO 8601 UTC timestamp with milliseconds.
    mutating func timestamp(nanoseconds: UInt64) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        Timestamp.write(nanoseconds: nanoseconds, into: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// The quoted lowercase hex of `values`, 16 digits each (trace ids are two values).
    mutating func hex(_ values: UInt64...) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        for value in values {
            for shift in stride(from: 60, through: 0, by: -4) {
                bytes.append(Self.hexDigits[Int((value >> UInt64(shift)) & 0xf)])
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A span attribute, without building an intermediate value.
    mutating func value(attribute: SpanAttribute) {
        switch attribute {
        case .string(let text): value(text)
        case .int64(let number): value(number)
        case .int32(let number): value(Int64(number))
        case .double(let number): value(number)
        case .bool(let flag): value(flag)
        default: value(TelemetryValue(attribute: attribute))
        }
    }

    /// Span attributes as an object with sorted keys, without those in `omitted`.
    mutating func object(_ attributes: Tracing.SpanAttributes, omitting omitted: Set<String> = []) {
        var keys: [String] = []
        keys.reserveCapacity(attributes.count)
        attributes.forEach { key, _ in if omitted.isEmpty || !omitted.contains(key) { keys.append(key) } }
        keys.sort()
        beginObject()
        for key in keys {
            self.key(key)
            value(attribute: attributes.get(key)!)
        }
        endObject()
    }

    /// `"name": text`, skipped when `text` is nil.
    mutating func member(_ name: String, _ text: String?) {
        guard let text else { return }
        key(name)
        value(text)
    }

    /// Writes `text` as a JSON string cut so that its escaped form, quotes included, takes at most
    /// `maxBytes`; the cut falls between Unicode scalars, so the result is valid UTF-8.
    ///
    /// - Returns: true when the text had to be cut.
    @discardableResult
    mutating func value(_ text: String, maxBytes: Int) -> Bool {
        separate()
        bytes.append(UInt8(ascii: "\""))
        var budget = maxBytes - 2
        var cut = false
        for scalar in text.unicodeScalars {
            let size = Self.escapedSize(scalar)
            if size > budget {
                cut = true
                break
            }
            budget -= size
            appendEscaped(scalar)
        }
        bytes.append(UInt8(ascii: "\""))
        return cut
    }

    /// Bytes `scalar` takes inside a JSON string.
    static func escapedSize(_ scalar: Unicode.Scalar) -> Int {
        switch scalar.value {
        case 0x22, 0x5C, 0x08, 0x0C, 0x0A, 0x0D, 0x09: 2
        case 0..<0x20: 6
        case 0..<0x80: 1
        case 0x80..<0x800: 2
        case 0x800..<0x10000: 3
        default: 4
        }
    }

    private mutating func separate() {
        let last = needsComma.count - 1
        if needsComma[last] { bytes.append(UInt8(ascii: ",")) }
        needsComma[last] = true
    }

    private mutating func appendQuoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var start = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                if byte >= 0x20 && byte != 0x22 && byte != 0x5C { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                appendEscapedByte(byte)
                start = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<utf8.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscaped(_ scalar: Unicode.Scalar) {
        if scalar.value < 0x80 {
            let byte = UInt8(scalar.value)
            if byte >= 0x20 && byte != 0x22 && byte != 0x5C {
                bytes.append(byte)
            } else {
                appendEscapedByte(byte)
            }
        } else {
            bytes.append(contentsOf: String(scalar).utf8)
        }
    }

    private mutating func appendEscapedByte(_ byte: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case 0x22: bytes.append(UInt8(ascii: "\""))
        case 0x5C: bytes.append(UInt8(ascii: "\\"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        default:
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xf)]])
        }
    }

    private mutating func appendDigits(_ number: Int64) {
        bytes.append(contentsOf: String(number).utf8)
    }
}
