/// The rule for what leaves the process, applied where records enter the exporters (CloudWatch
/// Logs, EMF, PutMetricData, OTLP, stdout) so that no call site can get around it: by default
/// only ids, counts, lengths, durations, hashes, provider names, error codes and the worker's
/// own words leave; the text of postings, questions, proposals, prompts, retrieved documents and
/// provider replies never does.
///
/// Each field is classified by name (``inventory``; an unknown name is ``ContentClass/content``)
/// and its value checked against its class's shape; free text the worker wrote (log messages,
/// error descriptions) is checked against the text of the jobs in progress (``ContentScreen``).
/// What fails is replaced by a marker that keeps only its length (``withheld(_:)``). The ring
/// buffer, which stays on the instance, receives records as they were written.
public struct ContentPolicy: Sendable {
    /// The text of the jobs in progress, which diagnostic text must not repeat.
    public let screen: ContentScreen

    public init(screen: ContentScreen = ContentScreen()) {
        self.screen = screen
    }

    /// The class of a span attribute, span event attribute or log metadata key.
    public static func classify(_ name: String) -> ContentClass {
        inventory[name] ?? .content
    }

    /// The marker that replaces a value of `characters` characters which may not leave.
    public static func withheld(_ characters: Int) -> String {
        "(withheld: content, \(characters) characters)"
    }

    /// The marker that replaces diagnostic text repeating a job's content.
    public static func withheldRepeat(_ characters: Int) -> String {
        "(withheld: it repeated job content, \(characters) characters)"
    }

    /// The key that replaces a metadata or attribute key that is not a name (`withheld.key`).
    public static let withheldKey = "withheld.key"

    /// `value` of a field of class `kind` as it may leave, or a marker.
    public func outbound(_ value: String, as kind: ContentClass) -> String {
        if Self.fits(value, kind) {
            if kind == .diagnostic && screen.appears(in: value) { return Self.withheldRepeat(value.count) }
            return value
        }
        return Self.withheld(value.count)
    }

    /// Whether `value` has the shape its class promises (always false for content).
    static func fits(_ value: String, _ kind: ContentClass) -> Bool {
        switch kind {
        case .content:
            return false
        case .diagnostic:
            return value.utf8.count <= 8_192
        case .identifier:
            return value.unicodeScalars.count <= 256 && !value.unicodeScalars.contains { TerminalText.needsEscape($0) }
        case .label, .providerName, .errorCode:
            return value.utf8.count <= 256 && value.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F }
        case .count, .duration:
            // Numbers, with a unit or a time format at most: `12`, `1.5`, `0.2 seconds`, ISO 8601.
            guard let first = value.unicodeScalars.first, value.utf8.count <= 64 else { return false }
            return ("0"..."9").contains(first) || first == "-"
        case .hash:
            return value.utf8.count <= 128 && value.unicodeScalars.allSatisfy { scalar in
                ("0"..."9").contains(scalar) || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || "+/=:_-".unicodeScalars.contains(scalar)
            }
        }
    }

    /// Whether `key` may stand as a field name: letters, digits and `. _ - :`, at most 100.
    static func isName(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.count <= 100 && key.unicodeScalars.allSatisfy { scalar in
            ("0"..."9").contains(scalar) || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || "._-:".unicodeScalars.contains(scalar)
        }
    }
}
