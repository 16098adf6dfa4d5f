import Telemetry
import Foundation

/// Makes sure no configured secret (API keys, webhook secret, database password, Basic auth
/// password…) appears in a result, whatever the job's text asked the model to do.
///
/// Policy: **fail, never scrub.** A draft that contains a secret shows that instructions in
/// the posting steered the model; the rest of that draft cannot be trusted either, so the job
/// fails with `unsafe_output` (no text is delivered or stored) instead of shipping a redacted,
/// attacker-shaped proposal. Error messages name the rule, never the value.
///
/// What counts as an appearance, for each secret of 8 characters or more: the value itself
/// in any letter case; the value with punctuation and spacing removed inside text likewise
/// normalized; its reverse; its Base64 and hex encodings. Secrets of 4–7 characters match only
/// as a whole word, exactly (shorter ones would match ordinary words and are ignored). For
/// URL-shaped secrets (a `DATABASE_URL`) the password inside is checked as a secret of its own.
public struct OutputGuard: Sendable {
    /// The current secret values, read at each check so rotated values are covered.
    public let secretValues: @Sendable () -> [String]

    public init(secretValues: @escaping @Sendable () -> [String]) {
        self.secretValues = secretValues
    }

    /// How many distinct secrets appear in `texts`.
    public func leakedSecretCount(in texts: [String]) -> Int {
        let secrets = Self.expand(secretValues())
        guard !secrets.isEmpty else { return 0 }
        // Byte-level search over lower-cased UTF-8: runs on every job, so no Foundation string search.
        let lowered = Array(texts.joined(separator: "\n").lowercased().utf8)
        let compactText = Self.compact(lowered)
        var words: Set<[UInt8]>?
        return secrets.filter { secret in
            let bytes = Array(secret.utf8)
            if secret.count < 8 {
                // Short secrets only as whole words, exactly (case kept).
                if words == nil { words = Self.words(Array(texts.joined(separator: "\n").utf8)) }
                return words?.contains(bytes) ?? false
            }
            if Self.variants(of: secret).contains(where: { Self.contains(lowered, $0) }) { return true }
            let compactSecret = Self.compact(Array(secret.lowercased().utf8))
            return compactSecret.count >= 8 && Self.contains(compactText, compactSecret)
        }.count
    }

    /// Throws `unsafe_output` when any secret appears anywhere in `result`.
    public func check(_ result: ProposalResult, stage: PipelineStage = .generate, provider: String?) throws {
        let leaked = leakedSecretCount(in: result.allText)
        guard leaked == 0 else {
            throw PipelineError(
                code: .unsafeOutput, stage: stage, provider: provider,
                message: "the draft contained \(leaked) configured secret value\(leaked == 1 ? "" : "s"); nothing of it is delivered or stored"
            )
        }
    }

    /// Secrets worth checking (4 characters or more), plus passwords inside URL-shaped values.
    static func expand(_ values: [String]) -> [String] {
        var secrets: Set<String> = []
        for value in values {
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.count >= 4 { secrets.insert(trimmed) }
            if let components = URLComponents(string: trimmed), components.scheme != nil,
               let password = components.percentEncodedPassword?.removingPercentEncoding, password.count >= 4 {
                secrets.insert(password)
            }
        }
        return Array(secrets)
    }

    /// Lower-cased UTF-8 forms to look for: the value, reversed, Base64 (without padding), hex.
    private static func variants(of secret: String) -> [[UInt8]] {
        let data = Data(secret.utf8)
        let base64 = data.base64EncodedString().trimmingCharacters(in: CharacterSet(charactersIn: "="))
        let hex = DocumentChunk.hex(data)
        return [secret, String(secret.reversed()), base64, hex].map { Array($0.lowercased().utf8) }
    }

    /// Letters and digits only: ASCII letters and digits, and every non-ASCII byte.
    private static func compact(_ bytes: [UInt8]) -> [UInt8] {
        bytes.filter { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || $0 >= 0x80 }
    }

    /// Runs of letters, digits, `_` and `-`.
    private static func words(_ bytes: [UInt8]) -> Set<[UInt8]> {
        var words: Set<[UInt8]> = []
        var current: [UInt8] = []
        for byte in bytes {
            if (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte >= 0x80 || byte == 0x5F || byte == 0x2D {
                current.append(byte)
            } else if !current.isEmpty {
                words.insert(current)
                current.removeAll(keepingCapacity: true)
            }
        }
        if !current.isEmpty { words.insert(current) }
        return words
    }

    /// Whether `needle` occurs in `haystack`.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, haystack.count >= needle.count else { return needle.isEmpty }
        return haystack.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { pin in
                var index = 0
                let last = hay.count - pin.count
                while index <= last {
                    if hay[index] == first {
                        var matched = 1
                        while matched < pin.count && hay[index + matched] == pin[matched] { matched += 1 }
                        if matched == pin.count { return true }
                    }
                    index += 1
                }
                return false
            }
        }
    }
}

extension ProposalResult {
    /// Every piece of text in the result, for checks that must see all of it.
    var allText: [String] {
        var texts = [proposal.text, proposal.generatedBy]
        for answer in proposal.answers { texts += [answer.question, answer.answer] }
        texts += analysis.fitReasons + analysis.keyRequirements + analysis.risks + degraded
        for reference in references { texts += [reference.id, reference.title, reference.source ?? ""] + reference.matchedTerms }
        texts += Array(providers.keys) + Array(providers.values)
        return texts
    }
}
