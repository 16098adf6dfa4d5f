import Foundation

/// A small, strict-enough XML parser for AWS query-protocol responses.
///
/// Reads elements, attributes, character data with the five predefined entities and numeric
/// character references, CDATA sections; skips the XML declaration, processing instructions,
/// comments and a DOCTYPE. Namespace prefixes are dropped from names. Purpose-built so the
/// runtime image needs no libxml2 (which FoundationXML would bring).
public enum XMLReader {
    /// Deepest nesting accepted; AWS responses stay far below it.
    static let maximumDepth = 64

    /// Parses `data` and returns the root element.
    ///
    /// - Throws: ``XMLReaderError`` with the byte offset of the first problem.
    public static func parse(_ data: Data) throws -> AWSXMLElement {
        var parser = Parser(bytes: Array(data))
        return try parser.document()
    }
}

/// The document is not well-formed XML (as far as ``XMLReader`` checks).
public struct XMLReaderError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public let offset: Int
    public var description: String { "XML error at byte \(offset): \(message)" }
}

private struct Parser {
    let bytes: [UInt8]
    var index = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    }

    mutating func document() throws -> AWSXMLElement {
        try skipMisc()
        guard peek(UInt8(ascii: "<")) else { throw error("expected the root element") }
        let root = try element(depth: 0)
        try skipMisc()
        guard index == bytes.count else { throw error("content after the root element") }
        return root
    }

    /// Skips whitespace, comments, processing instructions and a DOCTYPE between elements.
    mutating func skipMisc() throws {
        while true {
            skipWhitespace()
            if starts("<?") {
                try skip(past: "?>")
            } else if starts("<!--") {
                try skip(past: "-->")
            } else if starts("<!DOCTYPE") {
                try skip(past: ">")
            } else {
                return
            }
        }
    }

    mutating func element(depth: Int) throws -> AWSXMLElement {
        guard depth < XMLReader.maximumDepth else { throw error("elements nested too deeply") }
        index += 1  // "<"
        let name = try readName()
        var result = AWSXMLElement(name: Self.localName(name))
        while true {
            skipWhitespace()
            if starts("/>") {
                index += 2
                return result
            }
            if peek(UInt8(ascii: ">")) {
                index += 1
                break
            }
            let attribute = try readName()
            skipWhitespace()
            guard peek(UInt8(ascii: "=")) else { throw error("expected = after attribute \(attribute)") }
            index += 1
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
                throw error("expected a quoted attribute value")
            }
            let quote = bytes[index]
            index += 1
            let start = index
            while index < bytes.count, bytes[index] != quote { index += 1 }
            guard index < bytes.count else { throw error("unterminated attribute value") }
            result.attributes[Self.localName(attribute)] = Self.decodeEntities(bytes[start..<index])
            index += 1
        }
        try content(of: &result, rawName: name, depth: depth)
        return result
    }

    mutating func content(of element: inout AWSXMLElement, rawName: String, depth: Int) throws {
        var text = ""
        while index < bytes.count {
            if starts("</") {
                index += 2
                let closing = try readName()
                guard closing == rawName else { throw error("</\(closing)> closes <\(rawName)>") }
                skipWhitespace()
                guard peek(UInt8(ascii: ">")) else { throw error("expected > after </\(closing)") }
                index += 1
                element.text = text
                return
            } else if starts("<![CDATA[") {
                index += 9
                let start = index
                try skip(past: "]]>")
                text += String(decoding: bytes[start..<(index - 3)], as: UTF8.self)
            } else if starts("<!--") {
                try skip(past: "-->")
            } else if starts("<?") {
                try skip(past: "?>")
            } else if peek(UInt8(ascii: "<")) {
                element.children.append(try self.element(depth: depth + 1))
            } else {
                let start = index
                while index < bytes.count, bytes[index] != UInt8(ascii: "<") { index += 1 }
                text += Self.decodeEntities(bytes[start..<index])
            }
        }
        throw error("<\(rawName)> is not closed")
    }

    mutating func readName() throws -> String {
        let start = index
        while index < bytes.count, !Self.endsName(bytes[index]) { index += 1 }
        guard index > start else { throw error("expected a name") }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    static func endsName(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
            || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "=")
    }

    static func localName(_ name: String) -> String {
        guard let colon = name.lastIndex(of: ":") else { return name }
        return String(name[name.index(after: colon)...])
    }

    mutating func skipWhitespace() {
        while index < bytes.count,
              bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t")
              || bytes[index] == UInt8(ascii: "\n") || bytes[index] == UInt8(ascii: "\r") {
            index += 1
        }
    }

    func peek(_ byte: UInt8) -> Bool { index < bytes.count && bytes[index] == byte }

    func starts(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        return literal.withUTF8Buffer { buffer in
            buffer.elementsEqual(bytes[index..<(index + count)])
        }
    }

    mutating func skip(past literal: StaticString) throws {
        let count = literal.utf8CodeUnitCount
        while index + count <= bytes.count {
            if starts(literal) {
                index += count
                return
            }
            index += 1
        }
        throw error("unterminated construct, expected \(literal)")
    }

    func error(_ message: String) -> XMLReaderError {
        XMLReaderError(message: message, offset: index)
    }

    /// Decodes `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` and `&#N;`/`&#xN;`; unknown entities stay as written.
    static func decodeEntities(_ slice: ArraySlice<UInt8>) -> String {
        let raw = String(decoding: slice, as: UTF8.self)
        guard raw.contains("&") else { return raw }
        var result = ""
        var rest = raw[...]
        while let ampersand = rest.firstIndex(of: "&") {
            result += rest[..<ampersand]
            guard let semicolon = rest[ampersand...].firstIndex(of: ";"),
                  rest.distance(from: ampersand, to: semicolon) <= 10
            else {
                result += "&"
                rest = rest[rest.index(after: ampersand)...]
                continue
            }
            let entity = rest[rest.index(after: ampersand)..<semicolon]
            if let decoded = decode(entity: entity) {
                result += decoded
            } else {
                result += rest[ampersand...semicolon]
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return result + rest
    }

    static func decode(entity: Substring) -> String? {
        switch entity {
        case "lt": return "<"
        case "gt": return ">"
        case "amp": return "&"
        case "quot": return "\""
        case "apos": return "'"
        default:
            guard entity.hasPrefix("#") else { return nil }
            let digits = entity.dropFirst()
            let value = digits.hasPrefix("x") || digits.hasPrefix("X")
                ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
            return value.flatMap(Unicode.Scalar.init).map { String(Character($0)) }
        }
    }
}
