/// The one sanitizer for what a provider, a webhook receiver or any other peer chose to send —
/// a request id, an error code, a message — before it reaches an error, a log line, the ring
/// buffer, CloudWatch or a terminal.
///
/// Three rules, in this order: a value in which ``SecretDetector`` finds a configured secret (a
/// gateway echoing the `Authorization` header, in any disguise it knows) is replaced whole by
/// ``withheld``; characters outside the allowed set are replaced (so no line breaks, terminal
/// escapes or direction overrides get through); the length is capped (a 60 KB request id does
/// not ride along in every log line).
public enum UntrustedText {
    /// What replaces a value that contained a secret.
    public static let withheld = "(withheld: it contained a configured secret)"

    /// An identifier a peer sent (`x-request-id`, an error `code`): ASCII letters, digits and
    /// `. _ : - / + = @` are kept, any other character becomes `?`, and more than `maxLength`
    /// characters are cut with `…`. Nil or empty gives nil.
    public static func identifier(_ raw: String?, maxLength: Int = 64, secrets: SecretDetector) -> String? {
        guard let raw, !raw.isEmpty else { return nil }
        if secrets.appears(in: raw) { return withheld }
        var kept = ""
        for scalar in raw.unicodeScalars.prefix(maxLength) {
            kept.unicodeScalars.append(isIdentifierScalar(scalar) ? scalar : "?")
        }
        if raw.unicodeScalars.count > maxLength { kept += "…" }
        return secrets.appears(in: kept) ? withheld : kept
    }

    /// Free text a peer (or a library reporting on it) produced: characters that are not
    /// printable are shown as `\u{…}` escapes (``TerminalText``), and more than `maxLength`
    /// characters are cut with `…`.
    public static func message(_ raw: String, maxLength: Int = 300, secrets: SecretDetector) -> String {
        if secrets.appears(in: raw) { return withheld }
        let escaped = TerminalText.escaped(raw)
        let capped = escaped.count > maxLength ? String(escaped.prefix(maxLength)) + "…" : escaped
        return secrets.appears(in: capped) ? withheld : capped
    }

    private static func isIdentifierScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", ".", "_", ":", "-", "/", "+", "=", "@": true
        default: false
        }
    }
}
