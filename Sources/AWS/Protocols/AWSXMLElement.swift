import Foundation

/// One element of an XML document as the query protocol returns it: a name (namespace prefix
/// removed), attributes, child elements and the text directly inside it.
public struct AWSXMLElement: Sendable, Equatable {
    public var name: String
    public var attributes: [String: String]
    public var children: [AWSXMLElement]
    /// The element's own character data (entities decoded, CDATA included), untrimmed.
    public var text: String

    public init(name: String, attributes: [String: String] = [:], children: [AWSXMLElement] = [], text: String = "") {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.text = text
    }

    /// The text with surrounding whitespace removed.
    public var trimmedText: String { text.trimmingCharacters(in: .whitespacesAndNewlines) }

    /// The first child named `name`.
    public func child(_ name: String) -> AWSXMLElement? {
        children.first { $0.name == name }
    }

    /// Follows a path of child names, e.g. `element["DescribeAlarmsResult", "MetricAlarms"]`.
    public subscript(path: String...) -> AWSXMLElement? {
        var current: AWSXMLElement? = self
        for name in path { current = current?.child(name) }
        return current
    }

    /// The first element named `name` at any depth below this one (depth first).
    public func descendant(_ name: String) -> AWSXMLElement? {
        for child in children {
            if child.name == name { return child }
            if let found = child.descendant(name) { return found }
        }
        return nil
    }

    /// The `<member>` items of the list child `name` (the query protocol's list encoding).
    public func members(_ name: String) -> [AWSXMLElement] {
        child(name)?.children.filter { $0.name == "member" } ?? []
    }

    /// The trimmed text of child `name`, `nil` when the child is absent.
    public func string(_ name: String) -> String? {
        child(name)?.trimmedText
    }

    public func double(_ name: String) -> Double? { string(name).flatMap(Double.init) }

    public func int(_ name: String) -> Int? {
        guard let text = string(name) else { return nil }
        return Int(text) ?? Double(text).flatMap { $0.rounded() == $0 ? Int(exactly: $0) : nil }
    }

    public func bool(_ name: String) -> Bool? {
        switch string(name)?.lowercased() {
        case "true": true
        case "false": false
        default: nil
        }
    }

    public func date(_ name: String) -> Date? { string(name).flatMap(Timestamp.parse) }
}
