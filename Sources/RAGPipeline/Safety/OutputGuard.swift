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
        let joined = texts.joined(separator: "\n")
        let lowered = joined.lowercased()
        let normalized = Self.normalize(joined)
        let words = Set(joined.split { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }.map(String.init))
        return secrets.filter { secret in
            if secret.count < 8 { return words.contains(secret) }
            let variants = Self.variants(of: secret)
            if variants.contains(where: { lowered.contains($0) }) { return true }
            let compact = Self.normalize(secret)
            return compact.count >= 8 && normalized.contains(compact)
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

    /// Lower-cased forms to look for: the value, reversed, Base64 (without padding), hex.
    private static func variants(of secret: String) -> [String] {
        let data = Data(secret.utf8)
        let base64 = data.base64EncodedString().trimmingCharacters(in: CharacterSet(charactersIn: "="))
        let hex = DocumentChunk.hex(data)
        return [secret, String(secret.reversed()), base64, hex].map { $0.lowercased() }
    }

    /// Letters and digits only, lower-cased.
    private static func normalize(_ text: String) -> String {
        String(text.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
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
