/// Text made safe to print as one line of a terminal or a plain-text report: control
/// characters (escape sequences, carriage returns, line feeds), line and paragraph separators,
/// format characters (zero-width characters, direction overrides), private-use, surrogate and
/// unassigned code points are shown as `\u{…}` escapes instead of acting on the terminal.
///
/// Every text output of the commands (`postmortem`, `report`, `outbox list`, `config`) passes
/// the values it did not write itself through ``escaped(_:)``; JSON output needs nothing, its
/// encoder escapes control characters already.
public enum TerminalText {
    /// `text` with every character that is not printable escaped; with `keepingLineBreaks`,
    /// line feeds stay (for multi-line text such as a proposal) and only the rest is escaped.
    public static func escaped(_ text: String, keepingLineBreaks: Bool = false) -> String {
        func escapes(_ scalar: Unicode.Scalar) -> Bool {
            needsEscape(scalar) && !(keepingLineBreaks && scalar == "\n")
        }
        guard text.unicodeScalars.contains(where: escapes) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            if escapes(scalar) {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Whether `scalar` would act on a terminal or reorder text instead of showing as itself
    /// (also the characters a `job_id` may not contain).
    public static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .privateUse, .surrogate, .unassigned: true
        default: false
        }
    }
}
