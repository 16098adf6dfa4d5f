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
/// What counts as an appearance is ``SecretDetector``'s rule (shared with the sanitizer of
/// provider replies): after NFKC, with format characters removed, look-alike letters folded and
/// only letters and digits compared, the value, its reverse, ROT13, hex or Base64 (any
/// alignment), or any 16-character piece of one of those; also in percent-decoded text, and
/// across adjacent fields of the result.
public struct OutputGuard: Sendable {
    /// The current secret values, read at each check so rotated values are covered.
    public let secretValues: @Sendable () -> [String]

    public init(secretValues: @escaping @Sendable () -> [String]) {
        self.secretValues = secretValues
    }

    /// How many distinct secrets appear in `texts`.
    public func leakedSecretCount(in texts: [String]) -> Int {
        SecretDetector(secrets: secretValues()).leakedCount(in: texts)
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
